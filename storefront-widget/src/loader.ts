/**
 * The widget's loader (`/widget.js`), a classic script of plain DOM kept under 2 KB gzipped. It defines
 * `<minishop-store shop="slug">`, turns `<script src=".../widget.js" data-shop="slug">` into one, and
 * imports the Preact panel (a hashed, long-cached chunk) into the element's open shadow root.
 */
declare const __MINISHOP_PANEL_FILE__: string;
const PANEL_FILE = __MINISHOP_PANEL_FILE__;

const script = document.currentScript as HTMLScriptElement | null;
// Where the API is: the origin that served this script (the panel's chunks live under /widget/).
const apiBase = new URL(script?.src || location.href).origin;

class MinishopStore extends HTMLElement {
  connectedCallback(): void {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    // `all: initial` stops the host page's inherited styles (fonts, colours) at the boundary.
    root.innerHTML =
      '<style>:host{all:initial;display:block;font:16px/1.4 system-ui,sans-serif;color:#1a1a1a;background:#fff;min-height:120px}' +
      '[role=status]{padding:16px}</style><div role="status">…</div><slot name="payment"></slot>';
    const status = root.firstElementChild!.nextElementSibling as HTMLElement;
    // The shop and its first products are fetched while the panel downloads, not after it.
    const shopPath = `/api/store/shops/${encodeURIComponent(this.getAttribute('shop') || '')}`;
    const prefetched: Record<string, Promise<Response>> = {};
    if (!this.getAttribute('product') && !this.getAttribute('order-token')) {
      for (const path of [shopPath, `${shopPath}/products?pageSize=48`]) prefetched[path] = fetch(apiBase + path);
    }
    import(/* @vite-ignore */ `${apiBase}/widget/${PANEL_FILE}`)
      .then((panel: { mount(host: HTMLElement, root: ShadowRoot, apiBase: string, prefetched: Record<string, Promise<Response>>): void }) => {
        status.remove();
        panel.mount(this, root, apiBase, prefetched);
      })
      .catch(() => {
        status.textContent = 'The shop could not be loaded.';
      });
  }
}

if (!customElements.get('minishop-store')) customElements.define('minishop-store', MinishopStore);

const shop = script?.dataset.shop;
if (script && shop) {
  const element = document.createElement('minishop-store');
  element.setAttribute('shop', shop);
  for (const name of ['lang', 'product', 'table']) {
    const value = script.getAttribute(`data-${name}`);
    if (value) element.setAttribute(name, value);
  }
  if (script.parentElement && script.parentElement !== document.head) script.after(element);
  else document.body.append(element);
}
