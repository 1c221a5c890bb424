import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from '../../schema-types.ts';
import { SHOPPER_IDENTITY_PROVIDERS } from './shopper-identity.entity.ts';

export const ShopperIdentityProviderSchema = Type.Union(SHOPPER_IDENTITY_PROVIDERS.map((provider) => Type.Literal(provider)));

/**
 * One flat body for the three providers (rather than a union) so that a missing field comes back named,
 * e.g. `{errors: {initData: 'is required for provider telegram'}}`.
 */
export const SessionCreateBody = Type.Object(
  {
    provider: ShopperIdentityProviderSchema,
    initData: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'telegram: window.Telegram.WebApp.initData, as is' })),
    hostId: Type.Optional(Type.String({ format: 'uuid', description: 'host: the chat host that signed the token' })),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'host: an HS256 JWT with sub, exp and optionally name' })),
    deviceId: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_-]{16,128}$', description: 'guest: a random id the device keeps (16..128 of A-Z a-z 0-9 _ -); whoever holds it is this guest' }),
    ),
  },
  {
    additionalProperties: false,
    description: '{provider:"telegram", initData} | {provider:"host", hostId, token} | {provider:"guest", deviceId}',
  },
);
export type SessionCreateInput = Static<typeof SessionCreateBody>;

export const ShopperBody = Type.Object({ id: Uuid, displayName: Type.String() }, { additionalProperties: false });

export const SessionBody = Type.Object(
  {
    accessToken: Type.String({ description: 'Send as "Authorization: Bearer <accessToken>" to shopper routes' }),
    expiresInSeconds: Type.Integer(),
    shopper: ShopperBody,
  },
  { $id: 'ShopperSession', additionalProperties: false },
);
export type SessionOutput = Static<typeof SessionBody>;

export const CurrentSessionBody = Type.Object(
  { shopper: ShopperBody, provider: ShopperIdentityProviderSchema },
  { additionalProperties: false },
);

/**
 * Proof of a chat group (docs/social.md §2), one flat object so a missing field comes back named:
 * `{provider:"host", hostId, token}` (a JWT the host signed with `group`, `exp` and, for a shopper, `sub`)
 * or `{provider:"telegram", initData}` (opened from the group: carries chat_instance).
 */
export const GroupProofBody = Type.Object(
  {
    provider: Type.Union([Type.Literal('host'), Type.Literal('telegram')]),
    hostId: Type.Optional(Type.String({ format: 'uuid', description: 'host: the chat host that signed the token' })),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'host: an HS256 JWT with group, exp and (shoppers) sub' })),
    initData: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'telegram: window.Telegram.WebApp.initData, as is' })),
  },
  { additionalProperties: false },
);
export type GroupProofInput = Static<typeof GroupProofBody>;
