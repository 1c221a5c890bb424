import { useTranslate } from 'react-admin';

export function MerchantStatus({ status }: { status: string }) {
  const translate = useTranslate();
  return <>{translate(`minishop.operator.status.${status}`, { _: status })}</>;
}
