import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';

export const MerchantStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('suspended')]);

export const OperatorMerchantBody = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    status: MerchantStatusSchema,
    staffCount: Type.Integer({ minimum: 0 }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'OperatorMerchant', additionalProperties: false },
);
export type OperatorMerchant = Static<typeof OperatorMerchantBody>;

export const OperatorMerchantUpdateBody = Type.Object({ status: MerchantStatusSchema }, { additionalProperties: false });
export type OperatorMerchantUpdateInput = Static<typeof OperatorMerchantUpdateBody>;

export const OperatorMerchantListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(MerchantStatusSchema),
  },
  { additionalProperties: false },
);
export type OperatorMerchantListFilterInput = Static<typeof OperatorMerchantListFilter>;
export const OPERATOR_MERCHANT_SORTABLE_FIELDS = ['createdAt', 'name', 'status', 'staffCount'] as const;
