import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';
import { STAFF_ROLES } from './membership.entity.ts';

export const StaffRoleSchema = Type.Union(STAFF_ROLES.map((role) => Type.Literal(role)), { description: 'owner, manager, clerk or finance' });

/** An email address as people type it; services store it trimmed and lower-cased. */
export const EmailSchema = Type.String({ format: 'email', minLength: 3, maxLength: 254 });

/** A staff member is a membership seen together with its user: the id is the membership's. */
export const StaffMemberBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    userId: Uuid,
    email: Type.String(),
    name: Type.String(),
    role: StaffRoleSchema,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'StaffMember', additionalProperties: false },
);
export type StaffMember = Static<typeof StaffMemberBody>;

export const StaffUpdateBody = Type.Object({ role: StaffRoleSchema }, { additionalProperties: false });
export type StaffUpdateInput = Static<typeof StaffUpdateBody>;

export const StaffListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    role: Type.Optional(StaffRoleSchema),
    userId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type StaffListFilterInput = Static<typeof StaffListFilter>;
export const STAFF_SORTABLE_FIELDS = ['createdAt', 'email', 'name', 'role'] as const;
