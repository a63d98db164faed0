// English and Chinese strings, one table; the language follows the browser until the operator picks one.
const STRINGS = {
  'app.title': ['Spacegate panel', 'Spacegate 管理面板'],
  'nav.dashboard': ['Dashboard', '仪表盘'], 'nav.monitoring': ['Monitoring', '请求监控'], 'nav.usage': ['Usage', '用量分析'],
  'nav.accounts': ['Accounts', '账号'], 'nav.providers': ['Providers', '供应商'], 'nav.keys': ['Client keys', '客户端密钥'],
  'nav.prices': ['Prices', '模型价格'], 'nav.config': ['Config', '配置'], 'nav.system': ['System', '系统'],
  'nav.menu': ['Menu', '菜单'],
  'tools.logout': ['Log out', '退出登录'], 'tools.theme': ['Theme', '主题'], 'tools.lang': ['中文', 'English'],
  'theme.auto': ['Auto', '自动'], 'theme.light': ['Light', '浅色'], 'theme.dark': ['Dark', '深色'],
  'login.title': ['Sign in to Spacegate', '登录 Spacegate'], 'login.key': ['Management key', '管理密钥'],
  'login.remember': ['Remember me on this device', '在此设备上记住我'], 'login.submit': ['Sign in', '登录'],
  'login.bad': ['The management key was rejected.', '管理密钥不正确。'],
  'login.expired': ['Your session ended (the server answered 401). Sign in again.', '会话已失效（服务器返回 401），请重新登录。'],
  'login.banned': ['Too many failed attempts from this address; try again later.', '此地址失败次数过多，请稍后再试。'],
  'login.empty': ['Enter the management key.', '请输入管理密钥。'],
  'login.hint': ['First start? If MANAGEMENT_PASSWORD is not set, Spacegate generates a management key once and prints it in the server log, on the line starting "Spacegate management key generated". On a Hugging Face Space open the Space\'s Logs (Container tab); setting the MANAGEMENT_PASSWORD secret instead makes that value the key.',
    '首次启动？若未设置 MANAGEMENT_PASSWORD，Spacegate 会生成一次管理密钥并打印在服务器日志中，以 "Spacegate management key generated" 开头的那一行。在 Hugging Face Space 上请打开 Space 的 Logs（Container 标签）；也可以设置 MANAGEMENT_PASSWORD 机密，使其值成为管理密钥。'],
  'login.noapi': ['This server has no management API yet; the panel shows what is available.', '此服务器尚未提供管理 API，面板只显示可用的部分。'],
  'common.na': ['Not available on this server', '此服务器不提供该功能'],
  'common.naHint': ['The server does not offer this API ({0}). Update Spacegate or check the route profile.', '服务器不提供该 API（{0}）。请更新 Spacegate 或检查路由配置。'],
  'common.loading': ['Loading…', '加载中…'], 'common.error': ['Request failed: {0}', '请求失败：{0}'],
  'common.refresh': ['Refresh', '刷新'], 'common.save': ['Save', '保存'], 'common.cancel': ['Cancel', '取消'],
  'common.delete': ['Delete', '删除'], 'common.add': ['Add', '添加'], 'common.edit': ['Edit', '编辑'],
  'common.none': ['Nothing here yet.', '暂无数据。'], 'common.saved': ['Saved.', '已保存。'], 'common.confirm': ['Are you sure?', '确定吗？'],
  'common.all': ['All', '全部'], 'common.yes': ['yes', '是'], 'common.no': ['no', '否'], 'common.copy': ['Copy', '复制'],
  'dash.calls': ['Calls today', '今日调用'], 'dash.tokens': ['Tokens today', '今日 Token'], 'dash.cost': ['Cost today', '今日费用'],
  'dash.failure': ['Failure rate', '失败率'], 'dash.latency': ['Latency p50 / p95', '延迟 p50 / p95'], 'dash.rpm': ['Last 30 min', '最近 30 分钟'],
  'dash.top': ['Top models today', '今日热门模型'], 'dash.traffic': ['Traffic today (per hour)', '今日流量（每小时）'],
  'dash.failures': ['Recent failures', '最近失败'], 'dash.channels': ['Credential health', '凭据健康'],
  'col.time': ['Time', '时间'], 'col.model': ['Model', '模型'], 'col.provider': ['Provider', '供应商'], 'col.credential': ['Credential', '凭据'],
  'col.key': ['Client key', '客户端密钥'], 'col.status': ['Status', '状态'], 'col.latency': ['Latency', '延迟'], 'col.tokens': ['Tokens', 'Token'],
  'col.calls': ['Calls', '调用'], 'col.cost': ['Cost', '费用'], 'col.success': ['Success', '成功率'], 'col.endpoint': ['Endpoint', '端点'],
  'col.request': ['Request id', '请求 ID'], 'col.detail': ['Failure detail', '失败详情'], 'col.name': ['Name', '名称'], 'col.actions': ['Actions', '操作'],
  'col.group': ['Group', '分组'], 'col.input': ['Input', '输入'], 'col.output': ['Output', '输出'], 'col.cached': ['Cached', '缓存'],
  'mon.auto': ['Auto-refresh (10 s)', '自动刷新（10 秒）'], 'mon.failedOnly': ['Failures only', '仅失败'], 'mon.filter': ['Filter…', '筛选…'],
  'mon.range': ['Range', '时间范围'], 'range.1h': ['Last hour', '最近 1 小时'], 'range.24h': ['Last 24 h', '最近 24 小时'],
  'range.7d': ['Last 7 days', '最近 7 天'], 'range.30d': ['Last 30 days', '最近 30 天'],
  'usage.group': ['Group by', '分组'], 'usage.export': ['Export usage (JSONL)', '导出用量（JSONL）'], 'usage.import': ['Import usage…', '导入用量…'],
  'usage.imported': ['Imported: {0} added, {1} skipped, {2} failed.', '导入完成：新增 {0}，跳过 {1}，失败 {2}。'],
  'usage.uploading': ['Uploading {0}…', '正在上传 {0}…'], 'usage.downloading': ['Downloading… {0}', '正在下载… {0}'],
  'usage.summary': ['Summary', '汇总'], 'usage.transfer': ['Export and import', '导出与导入'], 'usage.timeline': ['Over time', '趋势'],
  'group.model': ['Model', '模型'], 'group.provider': ['Provider', '供应商'], 'group.credential': ['Credential', '凭据'],
  'group.key': ['Client key', '客户端密钥'], 'group.hour': ['Hour', '小时'], 'group.day': ['Day', '天'],
  'acc.upload': ['Drop auth files here (many at once) or choose files', '将认证文件拖到这里（可多个）或选择文件'],
  'acc.choose': ['Choose files', '选择文件'], 'acc.uploaded': ['Uploaded {0} file(s).', '已上传 {0} 个文件。'],
  'acc.enable': ['Enable', '启用'], 'acc.disable': ['Disable', '停用'], 'acc.download': ['Download', '下载'],
  'acc.disabled': ['disabled', '已停用'], 'acc.cooldown': ['Next retry', '下次重试'], 'acc.counters': ['Success / failed', '成功 / 失败'],
  'acc.fields': ['Edit fields', '编辑字段'], 'acc.priority': ['Priority', '优先级'], 'acc.weight': ['Weight', '权重'],
  'acc.proxy': ['Proxy URL', '代理 URL'], 'acc.note': ['Note', '备注'],
  'acc.oauth': ['OAuth login', 'OAuth 登录'], 'acc.oauthStart': ['Start login', '开始登录'],
  'acc.oauthHelp': ['Open the link, sign in, then paste the full address your browser ends on (it may show an error page on localhost; that is expected).', '打开链接并登录，然后粘贴浏览器最终停留的完整地址（在 localhost 上显示错误页是正常的）。'],
  'acc.oauthPaste': ['Redirect URL', '回调地址'], 'acc.oauthSubmit': ['Finish login', '完成登录'],
  'acc.oauthWait': ['Waiting for the provider…', '正在等待供应商…'], 'acc.oauthOk': ['Account added.', '账号已添加。'],
  'prov.title': ['API-key upstreams', 'API 密钥上游'], 'prov.baseUrl': ['Base URL', 'Base URL'], 'prov.key': ['API key', 'API 密钥'],
  'prov.models': ['Models (name=alias, comma separated)', '模型（name=alias，逗号分隔）'], 'prov.test': ['Test', '测试'],
  'prov.kind': ['Kind', '类型'], 'prov.modelsCol': ['Models', '模型'], 'prov.added': ['Upstream added.', '已添加上游。'],
  'keys.create': ['Create key', '创建密钥'], 'keys.shown': ['Copy this key now; it is shown only once:', '请立即复制此密钥，它只显示一次：'],
  'keys.revoke': ['Revoke', '吊销'], 'keys.alias': ['Alias', '别名'], 'keys.hash': ['Key', '密钥'],
  'prices.sync': ['Sync prices', '同步价格'], 'prices.input': ['Input / 1M', '输入 / 1M'], 'prices.output': ['Output / 1M', '输出 / 1M'],
  'prices.cacheRead': ['Cache read / 1M', '缓存读取 / 1M'], 'prices.cacheWrite': ['Cache write / 1M', '缓存写入 / 1M'], 'prices.source': ['Source', '来源'], 'prices.synced': ['Prices synced: {0}', '价格已同步：{0}'], 'prices.override': ['Override', '覆盖'],
  'cfg.yaml': ['config.yaml', 'config.yaml'], 'cfg.validate': ['Check', '校验'], 'cfg.review': ['Review changes', '查看更改'],
  'cfg.valid': ['The YAML parses.', 'YAML 格式正确。'], 'cfg.invalid': ['YAML problem: {0}', 'YAML 问题：{0}'],
  'cfg.nochange': ['No changes.', '没有更改。'], 'cfg.strategy': ['Routing strategy', '路由策略'], 'cfg.retry': ['Request retries', '请求重试次数'],
  'sys.version': ['Version', '版本'], 'sys.store': ['Store and database', '存储与数据库'], 'sys.routes': ['Route table', '路由表'],
  'sys.docs': ['Documentation', '文档'], 'sys.events': ['Usage events', '用量事件'], 'sys.engine': ['Engine', '引擎'],
  'sys.health': ['Health', '健康'], 'sys.profile': ['Profile', '路由配置'], 'sys.apis': ['Management APIs on this server', '此服务器的管理 API'],
  'sys.clear': ['Forget the saved key on this device', '清除此设备保存的密钥'],
  'sys.replica': ['Replica', '副本'], 'sys.lastChange': ['last change', '最近变更'],
};

const LANG_KEY = 'spacegate.lang';
let lang = localStorage.getItem(LANG_KEY) || ((navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en');

export function language() { return lang; }

export function setLanguage(next) {
  lang = next === 'zh' ? 'zh' : 'en';
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** The string for a key in the current language, with {0}, {1}… replaced by the arguments. */
export function t(key, ...args) {
  const entry = STRINGS[key];
  let s = entry ? entry[lang === 'zh' ? 1 : 0] : key;
  args.forEach((a, i) => { s = s.replace(`{${i}}`, String(a)); });
  return s;
}

setLanguage(lang);
