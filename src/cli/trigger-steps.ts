import { type ApiTarget, callApi } from './api-client.js';

// The API calls `flint trigger` makes, each printing what it created or changed.

interface OrderBody {
  readonly order: { readonly order_id: string; readonly status: string };
}
interface PaymentBody {
  readonly payment_intent: { readonly payment_intent_id: string; readonly status: string };
}
interface DeclineBody {
  readonly error: { readonly payment_intent_id: string; readonly code: string };
}
interface RefundBody {
  readonly refund: { readonly refund_id: string; readonly status: string };
}
interface SessionBody {
  readonly checkout_session: {
    readonly checkout_session_id: string;
    readonly order_id: string;
    readonly status: string;
  };
}

export class TriggerSteps {
  constructor(
    readonly target: ApiTarget,
    readonly tag: string,
    private readonly out: (line: string) => void,
  ) {}

  say(kind: string, id: string, what: string): void {
    this.out(`  ${kind.padEnd(16)} ${id}  ${what}`);
  }

  async createOrder(): Promise<string> {
    const { body } = await callApi<OrderBody>(this.target, 'POST', '/v1/orders', {
      body: {
        order: {
          line_items: [
            { name: `flint trigger ${this.tag}`, quantity: 1, unit_price_money: { amount: 2000 } },
          ],
          metadata: { flint_trigger: this.tag },
        },
      },
    });
    this.say('order', body.order.order_id, 'created');
    return body.order.order_id;
  }

  async updateOrder(orderId: string): Promise<void> {
    await callApi(this.target, 'PATCH', `/v1/orders/${orderId}`, {
      body: { order: { metadata: { flint_trigger_updated: 'true' } } },
    });
    this.say('order', orderId, 'updated (metadata)');
  }

  async endOrder(orderId: string, action: 'cancel' | 'close'): Promise<void> {
    const { body } = await callApi<OrderBody>(
      this.target,
      'POST',
      `/v1/orders/${orderId}/${action}`,
    );
    this.say('order', orderId, body.order.status.toLowerCase());
  }

  /** Pays the order's balance; a decline (402) answers its failed payment intent. */
  async pay(orderId: string, token = 'tok_visa'): Promise<string> {
    const { body } = await callApi<PaymentBody | DeclineBody>(
      this.target,
      'POST',
      `/v1/orders/${orderId}/pay`,
      { body: { payment: { payment_source_token: token } }, expected: [200, 402] },
    );
    if ('error' in body) {
      this.say(
        'payment_intent',
        body.error.payment_intent_id,
        `failed (${token}: ${body.error.code})`,
      );
      return body.error.payment_intent_id;
    }
    const intent = body.payment_intent;
    this.say('payment_intent', intent.payment_intent_id, `${intent.status} (${token})`);
    return intent.payment_intent_id;
  }

  async cancelPayment(intentId: string): Promise<void> {
    await callApi(this.target, 'POST', `/v1/payment_intents/${intentId}/cancel`);
    this.say('payment_intent', intentId, 'canceled');
  }

  /** Refunds `amount` of the order, or all that is left without one. */
  async refund(orderId: string, amount?: number): Promise<string> {
    const { body } = await callApi<RefundBody>(this.target, 'POST', '/v1/refunds', {
      body: {
        refund: { order_id: orderId, ...(amount === undefined ? {} : { amount }) },
      },
    });
    const what = amount === undefined ? 'in full' : `of ${amount}`;
    this.say('refund', body.refund.refund_id, `${body.refund.status} (${what})`);
    return body.refund.refund_id;
  }

  async updateRefund(refundId: string): Promise<void> {
    await callApi(this.target, 'PATCH', `/v1/refunds/${refundId}`, {
      body: { refund: { metadata: { flint_trigger_updated: 'true' } } },
    });
    this.say('refund', refundId, 'updated (metadata)');
  }

  async failRefund(refundId: string): Promise<void> {
    await callApi(this.target, 'POST', `/v1/test_helpers/refunds/${refundId}/fail`);
    this.say('refund', refundId, 'failed (test helper)');
  }

  async cancelRefund(refundId: string): Promise<void> {
    await callApi(this.target, 'POST', `/v1/refunds/${refundId}/cancel`);
    this.say('refund', refundId, 'canceled');
  }

  /** A checkout session for a new order; answers the session's and the order's ids. */
  async createSession(): Promise<{ readonly sessionId: string; readonly orderId: string }> {
    const { body } = await callApi<SessionBody>(this.target, 'POST', '/v1/checkout/sessions', {
      body: {
        checkout_session: {
          line_items: [
            { name: `flint trigger ${this.tag}`, quantity: 1, unit_price_money: { amount: 2000 } },
          ],
          success_url: 'https://example.com/flint-trigger/success',
          metadata: { flint_trigger: this.tag },
        },
      },
    });
    const session = body.checkout_session;
    this.say('order', session.order_id, 'created');
    this.say('checkout_session', session.checkout_session_id, session.status);
    return { sessionId: session.checkout_session_id, orderId: session.order_id };
  }

  /** A payment link for a new product's price; answers the link's id. */
  async createPaymentLink(): Promise<string> {
    const name = `flint trigger ${this.tag}`;
    const product = await callApi<{ product: { product_id: string } }>(
      this.target,
      'POST',
      '/v1/products',
      { body: { product: { name } } },
    );
    const price = await callApi<{ price: { price_id: string } }>(
      this.target,
      'POST',
      '/v1/prices',
      {
        body: {
          price: {
            product_id: product.body.product.product_id,
            unit_amount: 2000,
            currency: 'USD',
          },
        },
      },
    );
    const { body } = await callApi<{ payment_link: { payment_link_id: string; url: string } }>(
      this.target,
      'POST',
      '/v1/payment_links',
      {
        body: {
          payment_link: {
            line_items: [{ price_id: price.body.price.price_id, quantity: 1 }],
            metadata: { flint_trigger: this.tag },
          },
        },
      },
    );
    this.say(
      'payment_link',
      body.payment_link.payment_link_id,
      `created (${body.payment_link.url})`,
    );
    return body.payment_link.payment_link_id;
  }

  async deactivatePaymentLink(linkId: string): Promise<void> {
    await callApi(this.target, 'PATCH', `/v1/payment_links/${linkId}`, {
      body: { payment_link: { active: false } },
    });
    this.say('payment_link', linkId, 'deactivated');
  }

  async expireSession(sessionId: string): Promise<void> {
    await callApi(this.target, 'POST', `/v1/checkout/sessions/${sessionId}/expire`);
    this.say('checkout_session', sessionId, 'expired');
  }
}
