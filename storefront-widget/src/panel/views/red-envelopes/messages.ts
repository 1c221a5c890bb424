import type { Language, Translator } from '../../i18n.ts';

/**
 * The red envelope screens' strings (en, zh, ar). They live in this lazily loaded chunk, not in
 * ../../i18n.ts, so the first panel does not carry them; the formatting is the panel's own (`{name}`).
 */
const en = {
  groupEnvelopes: 'Red envelopes in this group',
  noEnvelopes: 'No red envelopes in this group yet.',
  needsGroup: 'Open the shop from a group chat to send or claim red envelopes.',
  newEnvelope: 'Send a red envelope',
  amount: 'Total amount ({currency})',
  shareCount: 'Number of shares',
  mode: 'How it is split',
  mode_equal: 'Equal shares',
  mode_double_mean: 'Random (lucky draw)',
  mode_fair: 'Random, the same odds for everyone',
  message: 'Message (optional)',
  send: 'Send {amount} in {n} shares',
  sent: 'Red envelope sent to the group.',
  envelope: 'Red envelope',
  defaultMessage: 'Best wishes',
  summary: '{amount} in {n} shares · {claimed} claimed',
  open: 'Open {message}',
  claim: 'Open it',
  youGot: 'You got {amount}!',
  progress: '{claimed} of {n} claimed: {amount} of {total}',
  allClaimed: 'All shares are taken.',
  expired: 'This red envelope has expired.',
  claims: 'Who got what',
  claimLine: '{name}: {amount}',
  fromYou: 'You sent this red envelope.',
  returnsAt: 'What nobody claims comes back to you at {time}.',
  returned: '{amount} came back to your wallet.',
  nothingReturned: 'Everything was claimed: nothing came back.',
  backToList: 'All red envelopes',
};
type Key = keyof typeof en;

const zh: Record<Key, string> = {
  groupEnvelopes: '本群红包',
  noEnvelopes: '本群还没有红包。',
  needsGroup: '请从群聊中打开商店来发红包或抢红包。',
  newEnvelope: '发红包',
  amount: '总金额（{currency}）',
  shareCount: '红包个数',
  mode: '分配方式',
  mode_equal: '普通红包（平均）',
  mode_double_mean: '拼手气红包',
  mode_fair: '公平随机红包',
  message: '祝福语（可选）',
  send: '塞钱 {amount}，共 {n} 个',
  sent: '红包已发到群里。',
  envelope: '红包',
  defaultMessage: '恭喜发财，大吉大利',
  summary: '{amount}，共 {n} 个 · 已领 {claimed} 个',
  open: '打开 {message}',
  claim: '开',
  youGot: '你抢到了 {amount}！',
  progress: '已领取 {claimed}/{n} 个，共 {amount}/{total}',
  allClaimed: '手慢了，红包派完了。',
  expired: '该红包已过期。',
  claims: '领取详情',
  claimLine: '{name}：{amount}',
  fromYou: '这是你发的红包。',
  returnsAt: '未领取的金额将于 {time} 退回给你。',
  returned: '{amount} 已退回你的钱包。',
  nothingReturned: '红包已全部领完，无退款。',
  backToList: '全部红包',
};

const ar: Record<Key, string> = {
  groupEnvelopes: 'الأظرف الحمراء في هذه المجموعة',
  noEnvelopes: 'لا توجد أظرف حمراء في هذه المجموعة بعد.',
  needsGroup: 'افتح المتجر من محادثة جماعية لإرسال الأظرف الحمراء أو استلامها.',
  newEnvelope: 'أرسل ظرفًا أحمر',
  amount: 'المبلغ الإجمالي ({currency})',
  shareCount: 'عدد الحصص',
  mode: 'طريقة التقسيم',
  mode_equal: 'حصص متساوية',
  mode_double_mean: 'عشوائي (سحب الحظ)',
  mode_fair: 'عشوائي بفرص متساوية للجميع',
  message: 'رسالة (اختياري)',
  send: 'أرسل {amount} في {n} حصص',
  sent: 'تم إرسال الظرف الأحمر إلى المجموعة.',
  envelope: 'ظرف أحمر',
  defaultMessage: 'أطيب التمنيات',
  summary: '{amount} في {n} حصص · تم استلام {claimed}',
  open: 'افتح {message}',
  claim: 'افتحه',
  youGot: 'حصلت على {amount}!',
  progress: 'تم استلام {claimed} من {n}: {amount} من {total}',
  allClaimed: 'تم أخذ كل الحصص.',
  expired: 'انتهت صلاحية هذا الظرف الأحمر.',
  claims: 'من حصل على ماذا',
  claimLine: '{name}: {amount}',
  fromYou: 'أنت أرسلت هذا الظرف الأحمر.',
  returnsAt: 'ما لا يستلمه أحد يعود إليك في {time}.',
  returned: 'عاد {amount} إلى محفظتك.',
  nothingReturned: 'تم استلام كل شيء: لم يعد شيء.',
  backToList: 'كل الأظرف الحمراء',
};

const MESSAGES: Record<Language, Record<Key, string>> = { en, zh, ar };

export type EnvelopeText = (key: Key, values?: Record<string, string | number>) => string;

export function envelopeText(i18n: Translator): EnvelopeText {
  const messages = MESSAGES[i18n.language];
  return (key, values = {}) => messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}
