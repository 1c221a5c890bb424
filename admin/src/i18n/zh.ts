import chineseMessages from '@haxqer/ra-language-chinese';
import type { minishopEnglish } from './en.ts';

/**
 * Simplified Chinese: react-admin's own messages from @haxqer/ra-language-chinese (written for v4), plus
 * the keys v5 added, plus every label of ours. Typed against the English labels so none can be missing.
 */
const reactAdminV5Additions = {
  action: { reset: '重置', search_columns: '搜索列', select_all_button: '全选' },
  page: { access_denied: '拒绝访问', authentication_error: '认证错误' },
  message: {
    access_denied: '您没有权限访问此页面',
    authentication_error: '认证服务器返回错误，无法验证您的凭据。',
    select_all_limit_reached: '项目过多，无法全部选中。仅选中了前 %{max} 项。',
    placeholder_data_warning: '网络问题：数据刷新失败。',
  },
  navigation: { clear_filters: '清除筛选', no_filtered_results: '没有符合当前筛选条件的%{name}。' },
  auth: { email: '电子邮件' },
  notification: { offline: '无网络连接，无法获取数据。' },
  validation: { unique: '必须唯一' },
  guesser: { empty: { title: '没有可显示的数据', message: '请检查数据提供程序' } },
};

const minishopChinese: typeof minishopEnglish = {
  minishop: {
    title: 'Minishop 管理台',
    language: '语言',
    menu: { dashboard: '仪表盘', finance: '财务', counter: '收银台', qr_sheet: '二维码', queues: '任务队列' },
    not_available: '此服务器暂不支持。',
    dashboard: {
      title: '仪表盘',
      welcome: '欢迎，%{name}',
      merchant: '商户：%{name}',
      revenue: '收入走势',
      orders_by_status: '各状态订单',
      shipments_waiting: '待发货',
      low_stock: '库存不足',
      payments_today: '今日收款',
      settlements_today: '今日结算',
    },
    live: { connected: '实时更新已开启' },
    orders: {
      lines: '商品明细',
      refunds: '退款',
      timeline: '时间线',
      delivery: '配送',
      no_refunds: '无退款',
      action: { pack: '打包', ship: '发货', deliver: '标记已送达', cancel: '取消订单', refund: '退款', done: '完成：订单状态为 %{status}' },
      ship_dialog: { title: '发货', carrier: '承运商', tracking_number: '运单号' },
      refund_dialog: {
        title: '退款',
        amount: '金额（%{currency}）',
        amount_help: '留空则按下方选择的数量退款，或退还剩余全部。',
        quantity: '退款数量',
        reason: '原因',
      },
      cancel_confirm: '确定取消此订单？已付款的订单将全额退款并恢复库存。',
      filter: { from: '下单起始', to: '下单截止' },
    },
    shops: {
      open: '营业中',
      closed: '已关闭',
      origin: '来源',
      referral_rate_help: '按推荐订单的商品金额付给分享者（100 = 1%；0 表示不付佣金）',
      referral_window_help: '打开分享链接后这么多天内下的订单计入分享者（以最后一次为准）',
    },
    commissions: {
      pending: '待结算',
      paid: '已支付',
      cancelled: '已取消',
      referral_commission: '付给推荐人',
      referral_commission_reversal: '从推荐人收回',
    },
    roles: { owner: '店主', manager: '经理', clerk: '店员', finance: '财务' },
    invitations: { link: '邀请链接', link_once: '邀请已创建。请立即复制链接：它只显示这一次。' },
    couriers: { issue_token: '签发登录令牌', token: '登录令牌', token_title: '%{name} 的登录令牌', token_once: '请立即把令牌交给骑手：它只显示这一次。重新签发会使旧令牌失效。', open_page: '打开骑手页面' },
    tracking: {
      courier: '骑手',
      no_courier: '未指派',
      assign: '指派骑手',
      assigned: '已指派骑手',
      title: '物流跟踪',
      timeline: '物流事件',
      route: '骑手路线：%{count} 个位置',
      status: {
        label_created: '已生成面单',
        confirmed: '已确认',
        picked_up: '已揽收',
        in_transit: '运输中',
        out_for_delivery: '派送中',
        attempted_delivery: '派送未成功',
        delayed: '已延误',
        ready_for_pickup: '待自提',
        delivered: '已送达',
        failure: '失败',
        returned: '已退回',
      },
    },
    products: { first_variant: '首个规格', variants: '规格' },
    finance: {
      title: '财务',
      balances: '余额',
      journal: '日记账',
      export_csv: '下载日记账 CSV',
      from: '起始',
      to: '截止',
      available: '可用',
      balance: '余额',
      held: '提现冻结',
      pending: '待结算',
      trial_balance: '试算平衡',
      balanced: '所有币种借贷平衡',
      unbalanced: '借贷不平衡',
      downloading: '正在下载…',
    },
    counter: {
      title: '收银台',
      code: '顾客付款码',
      amount: '金额（%{currency}）',
      shop: '店铺',
      charge: '收款',
      scan: '用摄像头扫码',
      stop_scan: '关闭摄像头',
      camera_unavailable: '没有可用的摄像头，请手动输入付款码。',
      outcome: {
        pending: '等待顾客确认…',
        succeeded: '已收款：%{amount}',
        declined: '顾客已拒绝',
        expired: '顾客未及时确认',
        failed: '失败：%{reason}',
      },
    },
    qr: {
      title: '二维码',
      print: '打印',
      shop_code: '店铺',
      scan_to_shop: '用手机扫码进入店铺',
      scan_to_buy: '扫码查看并购买此商品',
      scan_to_order: '扫码在 %{table} 点单',
      tables: '桌号（用逗号分隔）',
    },
  },
  resources: {
    orders: {
      name: '订单',
      fields: {
        number: '订单号',
        status: '状态',
        totalMinor: '合计',
        refundedMinor: '已退款',
        subtotalMinor: '商品金额',
        deliveryFeeMinor: '配送费',
        itemCount: '件数',
        fulfilmentMethod: '履约方式',
        paymentMethod: '支付方式',
        createdAt: '下单时间',
        paidAt: '付款时间',
        shopId: '店铺',
        q: '订单号',
      },
    },
    products: {
      name: '商品',
      fields: {
        title: '名称',
        q: '搜索',
        description: '描述',
        status: '状态',
        shopId: '店铺',
        variantCount: '规格数',
        priceFromMinor: '最低价',
        stockAvailable: '库存',
        sku: 'SKU',
        priceMinor: '价格',
        stockOnHand: '初始库存',
        createdAt: '创建时间',
      },
    },
    categories: { name: '分类', fields: { name: '名称', shopId: '店铺', position: '排序', q: '搜索' } },
    staff: { name: '员工', fields: { name: '姓名', email: '电子邮件', role: '角色', createdAt: '加入时间', q: '搜索' } },
    invitations: { name: '邀请', fields: { email: '电子邮件', role: '角色', expiresAt: '过期时间', acceptedAt: '接受时间' } },
    couriers: { name: '骑手', fields: { name: '姓名', phone: '电话', active: '在职', tokenIssuedAt: '令牌签发时间' } },
    shops: { name: '店铺', fields: { name: '名称', slug: '标识', status: '状态', currency: '币种', description: '描述', q: '搜索', allowedEmbedOrigins: '允许嵌入店铺的网站', autoConfirmDays: '自动确认收货（天）', referralCommissionBasisPoints: '推荐佣金（基点）', referralWindowDays: '推荐归因期（天）' } },
    commissions: {
      name: '佣金',
      fields: { orderNumber: '订单', shopName: '店铺', referrerName: '推荐人', status: '状态', basisPoints: '费率', commissionMinor: '佣金', takenBackMinor: '已收回', merchantBorneMinor: '由店铺承担', transfers: '账本转账', createdAt: '归因时间', q: '搜索' },
    },
  },
  status: {
    pending_payment: '待付款',
    paid: '已付款',
    packed: '已打包',
    shipped: '已发货',
    delivered: '已送达',
    completed: '已完成',
    cancelled: '已取消',
    refunded: '已退款',
    partially_refunded: '部分退款',
    active: '在售',
    draft: '草稿',
    archived: '已归档',
  },
};

// The package is CommonJS with `exports.default`; bundlers differ on whether the default import is that or the module.
type Messages = { ra: Record<string, Record<string, unknown>> };
const imported = chineseMessages as unknown as Messages & { default?: Messages };
const base: Messages = imported.ra ? imported : (imported.default as Messages);
const ra = Object.fromEntries(
  Object.entries(base.ra).map(([group, messages]) => [group, { ...messages, ...(reactAdminV5Additions as Record<string, object>)[group] }]),
);
for (const [group, messages] of Object.entries(reactAdminV5Additions)) ra[group] ??= messages;

export default { ...base, ra, ...minishopChinese };
