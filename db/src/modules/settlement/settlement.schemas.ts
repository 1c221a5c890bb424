import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from '../../schema-types.ts';

export const PlatformFeeBody = Type.Object(
  {
    merchantId: Uuid,
    basisPoints: Type.Union([Type.Integer(), Type.Null()], { description: "the operator's rate for this merchant; null: the platform default (PLATFORM_FEE_BASIS_POINTS)" }),
    effectiveBasisPoints: Type.Integer({ description: 'the rate the next settlement uses' }),
  },
  { $id: 'PlatformFee', additionalProperties: false },
);

export const PlatformFeeUpdateBody = Type.Object(
  {
    basisPoints: Type.Union([Type.Integer({ minimum: 0, maximum: 10_000 }), Type.Null()], {
      description: 'the fee on the goods of each settled order, in basis points (250 = 2.5 %); null: back to the platform default',
    }),
  },
  { additionalProperties: false },
);
export type PlatformFeeUpdateInput = Static<typeof PlatformFeeUpdateBody>;
