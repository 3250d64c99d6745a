import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { StripeClientOptions } from '../adapters/processors/stripe.js';
import { stripeWebhooks } from '../adapters/processors/stripe-webhooks.js';
import { systemResolver } from '../adapters/webhooks/system-resolver.js';
import { BUILT_IN_JOB_KINDS } from '../app/jobs/built-in-job-kinds.js';
import type { AnyJobKind } from '../app/jobs/job-kinds.js';
import type { Deps } from '../app/shared/deps.js';
import { newId } from '../app/shared/ids.js';
import { createSecretBox } from '../app/shared/secret-box.js';
import type { TrustProxy } from '../config.js';
import type { SignInLimits } from '../domain/sign-in-backoff.js';
import type { HostResolver } from '../ports/host-resolver.js';
import {
  type PaymentProcessor,
  type Processors,
  singleProcessor,
} from '../ports/payment-processor.js';
import { defaultProcessors } from '../processors.js';
import { adminTokenHook, apiKeyHook, documentLiveKeyRoutes } from './auth.js';
import { createCsrf } from './csrf.js';
import { API_TAGS, DOCS_CONFIGURATION } from './docs-reference.js';
import { registerDrain } from './drain.js';
import { ApiError, registerErrorHandling, sendError } from './errors.js';
import {
  DEFAULT_IDEMPOTENCY,
  type IdempotencyOptions,
  registerIdempotency,
} from './idempotency.js';
import { registerJsonParser } from './json-body.js';
import { registerMetrics } from './metrics.js';
import { finishOpenapiDocument } from './openapi.js';
import { registerAccountRoutes, registerAdminAccountRoutes } from './routes/accounts/accounts.js';
import { registerApiKeyRoutes } from './routes/accounts/api-keys.js';
import { registerConsoleUserRoutes } from './routes/accounts/console-users.js';
import { registerCouponRoutes } from './routes/catalog/coupons.js';
import { registerPriceRoutes } from './routes/catalog/prices.js';
import { registerProductRoutes } from './routes/catalog/products.js';
import { registerTaxRateRoutes } from './routes/catalog/tax-rates.js';
import { registerCheckoutSessionRoutes } from './routes/checkout/checkout-sessions.js';
import {
  type PageRateLimits,
  registerHostedCheckoutRoutes,
} from './routes/checkout/hosted-checkout.js';
import { registerPaymentLinkRoutes } from './routes/checkout/payment-links.js';
import { registerPublicPaymentLinkRoutes } from './routes/checkout/public-payment-links.js';
import { registerConsoleRoutes } from './routes/console/console.js';
import { registerBalanceTransactionRoutes } from './routes/customers/balance-transactions.js';
import { registerCustomerRoutes } from './routes/customers/customers.js';
import { registerEventRoutes } from './routes/events/events.js';
import { registerInvoicePageRoutes } from './routes/invoice-page/invoice-page-routes.js';
import { registerInvoicePdfRoute } from './routes/invoices/invoice-pdf-route.js';
import { registerInvoiceSettingsRoutes } from './routes/invoices/invoice-settings.js';
import { registerInvoiceRoutes } from './routes/invoices/invoices.js';
import { registerTestHelperEmailRoutes } from './routes/mail/test-helper-emails.js';
import { registerOrderRoutes } from './routes/orders/orders.js';
import { registerPaymentMethodRoutes } from './routes/payment-methods/payment-methods.js';
import { registerPaymentRoutes } from './routes/payments/payments.js';
import { registerPlanRoutes } from './routes/plans/plans.js';
import { registerProcessorSettingsRoutes } from './routes/processors/processor-settings.js';
import { registerStripeWebhookRoute } from './routes/processors/stripe-webhook.js';
import {
  registerRecoveryLinkRoutes,
  registerRecoverySettingsRoutes,
} from './routes/recovery-links/recovery-links.js';
import { registerRecoveryPageRoutes } from './routes/recovery-page/recovery-page-routes.js';
import { registerRefundRoutes } from './routes/refunds/refunds.js';
import { registerReturnRoutes } from './routes/returns/returns.js';
import { registerSubscriptionRoutes } from './routes/subscriptions/subscriptions.js';
import { registerTestClockRoutes } from './routes/test-clocks/test-clocks.js';
import { registerWebhookDeliveryRoutes } from './routes/webhooks/webhook-deliveries.js';
import { registerWebhookEndpointRoutes } from './routes/webhooks/webhook-endpoints.js';
import { refuseUnsafeText } from './text-safety.js';
import { setTransportHeaders, trustProxyOption } from './transport-headers.js';
import { registerUnmatchedRoutes } from './unmatched-routes.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export interface AppOptions {
  readonly deps: Deps;
  /** Bearer token of the admin API (`FLINT_ADMIN_TOKEN`); without one the admin API is closed. */
  readonly adminToken?: string | undefined;
  readonly logger?: Logger | undefined;
  /** Requests per key per second before 429. */
  readonly rateLimitPerSecond?: number;
  /**
   * The window `rateLimitPerSecond` counts in, 1 s unless given: a test that must not see
   * the window roll over between its requests widens it.
   */
  readonly rateLimitWindowMs?: number;
  readonly idempotency?: Partial<IdempotencyOptions>;
  readonly bodyLimitBytes?: number;
  /** Process-level metrics (event loop, memory) in /metrics. */
  readonly defaultMetrics?: boolean;
  readonly version?: string;
  /** Each account's card processor; each account's configured one when not given. */
  readonly processors?: Processors;
  /** One processor for every account (tests); ignored when `processors` is given. */
  readonly processor?: PaymentProcessor;
  /**
   * `FLINT_ENCRYPTION_KEY`: seals stored Stripe keys and webhook signing secrets; without it
   * accounts can set neither.
   */
  readonly encryptionKey?: Buffer | undefined;
  /** How the default processors reach Stripe (tests point them at a stand-in). */
  readonly stripe?: StripeClientOptions;
  /** Console sign-in failures in a row before an email or address is locked out for a while. */
  readonly signInLimits?: SignInLimits | undefined;
  /** Hosted pages' per-address limits (page views, payment attempts per minute). */
  readonly pageRateLimits?: PageRateLimits | undefined;
  /** Resolves webhook URLs' host names for the live-mode SSRF check (the system's by default). */
  readonly resolver?: HostResolver;
  /**
   * `FLINT_TRUST_PROXY`: which proxies' `X-Forwarded-*` headers to believe (Fastify's
   * `trustProxy`: true, a hop count, or addresses); none by default.
   */
  readonly trustProxy?: TrustProxy | undefined;
  /**
   * The job kinds a test clock's advance runs (`BUILT_IN_JOB_KINDS` by default; tests add
   * kinds of their own).
   */
  readonly jobKinds?: readonly AnyJobKind[];
}

export const DEFAULT_RATE_LIMIT_PER_SECOND = 500;

/** Body schemas never coerce types (a string is not a number); query strings must. */
function validatorCompiler() {
  const base = {
    allErrors: true,
    strict: false,
    useDefaults: true,
    removeAdditional: false,
  } as const;
  const bodyAjv = new Ajv({ ...base, coerceTypes: false });
  const queryAjv = new Ajv({ ...base, coerceTypes: true });
  addFormats(bodyAjv);
  addFormats(queryAjv);
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? bodyAjv : queryAjv).compile(schema);
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { deps } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({
      requestIdLogLabel: 'request_id',
      disableRequestLogging: !options.logger,
    }),
    genReqId: () => newId('req'),
    trustProxy: trustProxyOption(options.trustProxy),
    requestIdHeader: false,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Malformed or overlong URLs never reach a route: answer them in the one error shape.
    frameworkErrors: (error, request, reply) => {
      reply.header('request-id', request.id);
      setTransportHeaders(request, reply);
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return sendError(
        reply,
        request,
        tooLong
          ? new ApiError('url_too_long', 'A path segment is too long')
          : new ApiError('url_malformed', 'The URL is malformed'),
      );
    },
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(validatorCompiler());
  app.decorateRequest('caller', null);
  registerDrain(app);
  registerErrorHandling(app);
  registerUnmatchedRoutes(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('request-id', request.id);
    setTransportHeaders(request, reply);
  });

  // No body is an empty object: action endpoints (cancel, close) need none, and
  // elsewhere the schema then names the missing root key.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PATCH')) {
      request.body = {};
    }
  });
  app.addHook('preValidation', refuseUnsafeText);

  // JSON only: any other content type is a 415.
  app.removeContentTypeParser('text/plain');
  registerJsonParser(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Flint API',
        version: options.version ?? '0.1.0',
        description:
          'Order-first payments API. JSON in and out, root-key wrapped bodies, integer minor-unit amounts, idempotent POST/PATCH.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      components: {
        securitySchemes: {
          secretKey: { type: 'http', scheme: 'bearer', description: 'sk_test_… or sk_live_…' },
          adminToken: { type: 'http', scheme: 'bearer', description: 'FLINT_ADMIN_TOKEN' },
          liveKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'sk_live_… only: a test key gets 403 live_key_required',
          },
        },
      },
      security: [{ secretKey: [] }],
      tags: API_TAGS.map((name) => ({ name })),
    },
    hideUntagged: true,
    transform: documentLiveKeyRoutes,
    transformObject: finishOpenapiDocument(deps.publicUrl),
  });

  registerMetrics(app, { defaultMetrics: options.defaultMetrics ?? false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  const secretBox = options.encryptionKey ? createSecretBox(options.encryptionKey) : null;
  const processors =
    options.processors ??
    (options.processor
      ? singleProcessor(options.processor)
      : defaultProcessors(deps.db, secretBox, options.stripe));
  // Authenticated by Stripe's signature, not a Flint key: outside the API-key scope.
  await registerStripeWebhookRoute(app, deps, secretBox, stripeWebhooks);

  // The link's id is the capability: outside the API-key scope, with its own rate limit.
  await registerPublicPaymentLinkRoutes(app, deps, processors);
  // The hosted checkout page: the session's id is the capability.
  const csrf = createCsrf(options.encryptionKey);
  await registerHostedCheckoutRoutes(app, {
    deps,
    processors,
    csrf,
    rateLimits: options.pageRateLimits,
  });
  // The hosted invoice page: the invoice's token is the capability.
  await registerInvoicePageRoutes(app, {
    deps,
    processors,
    csrf,
    rateLimits: options.pageRateLimits,
  });
  // A recovery link's page: the link's token is the capability.
  await registerRecoveryPageRoutes(app, {
    deps,
    processors,
    csrf,
    rateLimits: options.pageRateLimits,
  });
  // The operator console: its own sign-in and session cookie, no API key.
  await registerConsoleRoutes(app, {
    deps,
    processors,
    csrf,
    signInLimits: options.signInLimits,
  });

  await app.register(async (admin) => {
    admin.addHook('onRequest', adminTokenHook(options.adminToken));
    registerAdminAccountRoutes(admin, deps);
  });

  await app.register(async (api) => {
    api.addHook('onRequest', apiKeyHook(deps));
    await api.register(rateLimit, {
      max: options.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT_PER_SECOND,
      timeWindow: options.rateLimitWindowMs ?? 1000,
      keyGenerator: (request) => request.caller?.keyId ?? request.ip,
      errorResponseBuilder: (_request, context) =>
        new ApiError('rate_limited', 'Too many requests; retry after the Retry-After interval', {
          details: { retry_after: Math.max(1, Math.ceil(context.ttl / 1000)) },
        }),
    });
    registerIdempotency(api, deps, { ...DEFAULT_IDEMPOTENCY, ...options.idempotency });
    registerAccountRoutes(api, deps);
    registerApiKeyRoutes(api, deps);
    registerCustomerRoutes(api, deps);
    registerBalanceTransactionRoutes(api, deps);
    registerProductRoutes(api, deps);
    registerPriceRoutes(api, deps);
    registerTaxRateRoutes(api, deps);
    registerCouponRoutes(api, deps);
    registerOrderRoutes(api, deps);
    registerProcessorSettingsRoutes(api, deps, secretBox);
    registerPaymentRoutes(api, deps, processors);
    registerRefundRoutes(api, deps, processors);
    registerCheckoutSessionRoutes(api, deps, processors);
    registerPaymentLinkRoutes(api, deps);
    registerPlanRoutes(api, deps);
    registerInvoiceRoutes(api, deps, processors);
    registerInvoicePdfRoute(api, deps);
    registerInvoiceSettingsRoutes(api, deps);
    registerRecoveryLinkRoutes(api, deps);
    registerRecoverySettingsRoutes(api, deps);
    registerReturnRoutes(api, deps, processors);
    registerSubscriptionRoutes(api, deps, processors);
    registerPaymentMethodRoutes(api, deps, processors);
    registerEventRoutes(api, deps);
    const webhookServices = { secretBox, resolver: options.resolver ?? systemResolver };
    registerWebhookEndpointRoutes(api, deps, webhookServices);
    registerWebhookDeliveryRoutes(api, deps);
    registerConsoleUserRoutes(api, deps);
    registerTestHelperEmailRoutes(api, deps);
    const jobKinds = options.jobKinds ?? BUILT_IN_JOB_KINDS;
    registerTestClockRoutes(api, deps, { processors, jobKinds });
  });

  app.get('/openapi.json', async () => app.swagger());
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: DOCS_CONFIGURATION,
    logLevel: 'warn',
  });

  return app;
}
