import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../entity-columns.ts';

export type ProductStatus = 'draft' | 'active' | 'archived';

export interface ProductImage {
  url: string;
  alt: string;
}

export interface Product {
  id: string;
  merchantId: string;
  shopId: string;
  categoryId?: string | null;
  title: string;
  description: string;
  status: ProductStatus;
  images: ProductImage[];
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const ProductEntity = new EntitySchema<Product>({
  name: 'Product',
  tableName: 'product',
  properties: {
    id: idColumn,
    merchantId: { type: 'uuid' },
    shopId: { type: 'uuid' },
    categoryId: { type: 'uuid', nullable: true },
    title: { type: 'string' },
    description: { type: 'text' },
    status: { type: 'string' },
    images: { type: 'json' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
