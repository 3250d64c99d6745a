import { Type } from 'typebox';
import {
  RECOVERY_LINK_ACTIONS,
  RECOVERY_LINK_SOURCES,
  RECOVERY_LINK_STATUSES,
} from '../../../domain/recovery-links/recovery-link-values.js';
import { literalUnion, MetadataBody, ModeAndTimes, Nullable, Timestamp } from '../../schemas.js';
import { Money } from '../orders/order-schemas.js';

// The wire schemas of recovery links: the resource, its bodies, the settings.

export const RecoveryLinkStatus = literalUnion(RECOVERY_LINK_STATUSES);
const Stamp = Nullable(Timestamp);

export const RecoveryLink = Type.Object({
  recovery_link_id: Type.String(),
  object: Type.Literal('recovery_link'),
  order_id: Type.String({ description: 'The order whose balance the link collects' }),
  status: RecoveryLinkStatus,
  url: Nullable(
    Type.String({
      description:
        "The hosted page where the buyer pays the order's balance (an unguessable link); null in an event when FLINT_PUBLIC_URL is unset",
    }),
  ),
  amount: Money,
  source: literalUnion(RECOVERY_LINK_SOURCES),
  source_id: Nullable(
    Type.String({ description: 'The expired checkout session or abandoned payment it recovers' }),
  ),
  expires_at: Stamp,
  completed_at: Stamp,
  expired_at: Stamp,
  deactivated_at: Stamp,
  available_actions: Type.Array(literalUnion(RECOVERY_LINK_ACTIONS)),
  metadata: Type.Record(Type.String(), Type.String()),
  ...ModeAndTimes,
});

export const CreateRecoveryLinkBody = MetadataBody(
  'recovery_link',
  {
    expires_at: Type.Optional({
      ...Timestamp,
      description: '30 minutes to 90 days from now; the link never expires when not given',
    }),
  },
  "A hosted page for the order's balance (read when the buyer pays, never copied)",
);

export const UpdateRecoveryLinkBody = MetadataBody(
  'recovery_link',
  {},
  'Metadata is merged ("" removes a key); deactivate with POST …/deactivate',
);

export const RecoverySettings = Type.Object({
  object: Type.Literal('recovery_settings'),
  automatic_recovery: Type.Boolean({
    description:
      'When a checkout session expires, or a 3-D Secure payment is abandoned (its hold ends after 30 minutes), with a balance left: make a recovery link and mail it to the buyer',
  }),
  test_mode: Type.Boolean(),
});
