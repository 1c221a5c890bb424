import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';
import { EmailSchema, StaffRoleSchema } from './staff.schemas.ts';

export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export const InvitationStatusSchema = Type.Union(INVITATION_STATUSES.map((status) => Type.Literal(status)));

const invitationProperties = {
  id: Uuid,
  merchantId: Uuid,
  email: Type.String(),
  role: StaffRoleSchema,
  status: InvitationStatusSchema,
  invitedByUserId: Uuid,
  expiresAt: Timestamp,
  acceptedAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
};

export const InvitationBody = Type.Object(invitationProperties, { $id: 'Invitation', additionalProperties: false });
export type InvitationView = Static<typeof InvitationBody>;

/** The answer to creating an invitation: the only time its token is ever shown. */
export const CreatedInvitationBody = Type.Object(
  {
    ...invitationProperties,
    token: Type.String({ description: 'shown once; only its SHA-256 is kept' }),
    acceptUrl: Type.String({ description: 'the console page that accepts the invitation' }),
  },
  { $id: 'CreatedInvitation', additionalProperties: false },
);
export type CreatedInvitation = Static<typeof CreatedInvitationBody>;

export const InvitationCreateBody = Type.Object({ email: EmailSchema, role: StaffRoleSchema }, { additionalProperties: false });
export type InvitationCreateInput = Static<typeof InvitationCreateBody>;

export const InvitationListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(InvitationStatusSchema),
    role: Type.Optional(StaffRoleSchema),
  },
  { additionalProperties: false },
);
export type InvitationListFilterInput = Static<typeof InvitationListFilter>;
export const INVITATION_SORTABLE_FIELDS = ['createdAt', 'email', 'expiresAt', 'role'] as const;
