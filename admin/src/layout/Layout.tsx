import type { ReactNode } from 'react';
import { Layout } from 'react-admin';
import { MinishopMenu } from './Menu.tsx';

export function MinishopLayout({ children }: { children: ReactNode }) {
  return <Layout menu={MinishopMenu}>{children}</Layout>;
}
