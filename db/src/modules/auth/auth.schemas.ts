import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from '../../schema-types.ts';
import { EmailSchema, StaffRoleSchema } from '../staff/staff.schemas.ts';

/** A new password: long enough to resist guessing, short enough that hashing it stays cheap. */
export const NewPasswordSchema = Type.String({ minLength: 10, maxLength: 200 });
/** A password being checked: any length is answered with the same 401, never a hint. */
const CheckedPasswordSchema = Type.String({ minLength: 1, maxLength: 200 });
/** A display name: at least one visible character (it is stored trimmed). */
const PersonOrCompanyName = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const RefreshTokenSchema = Type.String({ minLength: 1, maxLength: 200 });

export const SignupBody = Type.Object(
  {
    merchantName: PersonOrCompanyName,
    name: PersonOrCompanyName,
    email: EmailSchema,
    password: NewPasswordSchema,
  },
  { additionalProperties: false },
);
export type SignupInput = Static<typeof SignupBody>;

export const LoginBody = Type.Object(
  {
    email: EmailSchema,
    password: CheckedPasswordSchema,
    merchantId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type LoginInput = Static<typeof LoginBody>;

export const RefreshBody = Type.Object(
  {
    refreshToken: RefreshTokenSchema,
    merchantId: Type.Optional(Type.String({ format: 'uuid', description: 'switch the session to another merchant the user belongs to' })),
  },
  { additionalProperties: false },
);
export type RefreshInput = Static<typeof RefreshBody>;

export const LogoutBody = Type.Object({ refreshToken: RefreshTokenSchema }, { additionalProperties: false });
export type LogoutInput = Static<typeof LogoutBody>;

export const AcceptInvitationBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'required when the email has no account yet' })),
    password: Type.String({ minLength: 1, maxLength: 200, description: 'a new password (10+ characters), or the existing account password' }),
  },
  { additionalProperties: false },
);
export type AcceptInvitationInput = Static<typeof AcceptInvitationBody>;

const MembershipSummaryBody = Type.Object({ merchantId: Uuid, merchantName: Type.String(), role: StaffRoleSchema }, { additionalProperties: false });

const profileProperties = {
  user: Type.Object({ id: Uuid, email: Type.String(), name: Type.String() }, { additionalProperties: false }),
  merchant: Type.Union([Type.Object({ id: Uuid, name: Type.String() }, { additionalProperties: false }), Type.Null()]),
  role: Type.Union([StaffRoleSchema, Type.Null()]),
  isOperator: Type.Boolean(),
  memberships: Type.Array(MembershipSummaryBody),
};

/** Who is signed in, and where: the answer of GET /api/auth/me. */
export const ProfileBody = Type.Object(profileProperties, { $id: 'StaffProfile', additionalProperties: false });
export type Profile = Static<typeof ProfileBody>;

export const SessionBody = Type.Object(
  {
    accessToken: Type.String(),
    refreshToken: Type.String(),
    accessTokenExpiresInSeconds: Type.Integer(),
    ...profileProperties,
  },
  { $id: 'StaffSession', additionalProperties: false },
);
export type Session = Static<typeof SessionBody>;

/** What the service hands back on sign-in: the profile and a refresh token; the API signs the access token. */
export type SessionGrant = Profile & { refreshToken: string };
