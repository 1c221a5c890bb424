// The demo chat: a conversation with a shop's bot and a group chat, where a shared product card opens
// the storefront widget in the conversation, the way a host chat embeds it. With ?group-buy=<id>, the group
// chat carries a group-buy card (Mei's share link, /r/<code>, when the demo host is registered); a team link
// (?group-buy-team=<id>) opens it at once. A Share pressed in the widget posts the sharer's link as a card.
(function () {
  var params = new URLSearchParams(location.search);
  var shop = params.get('shop') || document.documentElement.dataset.shop || 'lotus-tea-house';
  var messages = document.getElementById('messages');
  var sheet = document.getElementById('shop-sheet');
  var slot = document.getElementById('shop-slot');
  var opener = null;

  function say(from, text, card) {
    var item = document.createElement('li');
    item.className = 'message';
    var name = document.createElement('span');
    name.className = 'from';
    name.textContent = from;
    item.append(name, document.createTextNode(text));
    if (card) item.append(card);
    messages.append(item);
  }

  var groupBuyId = params.get('group-buy');

  // attributes: more of the widget's attributes (a group member's host-id/host-token/group-token, red-envelope).
  function openShop(productId, button, attributes) {
    opener = button;
    slot.replaceChildren();
    var element = document.createElement('minishop-store');
    element.setAttribute('shop', shop);
    if (productId) element.setAttribute('product', productId);
    Object.keys(attributes || {}).forEach(function (name) { element.setAttribute(name, attributes[name]); });
    var lang = params.get('lang');
    if (lang) element.setAttribute('lang', lang);
    slot.append(element);
    sheet.hidden = false;
  }

  document.getElementById('close-shop').addEventListener('click', function () {
    sheet.hidden = true;
    slot.replaceChildren();
    if (opener) opener.focus();
  });

  function productCard(product) {
    var card = document.createElement('div');
    card.className = 'card';
    var title = document.createElement('strong');
    title.textContent = product.title;
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Open ' + product.title + ' in the shop';
    button.addEventListener('click', function () { openShop(product.id, button); });
    card.append(title, document.createElement('br'), button);
    return card;
  }

  // The widget's attributes that open a shared link's target, with the sharer's code (ref): as /r/<code> does.
  var SHARE_ATTRIBUTES = { product: 'product', group_buy: 'group-buy', group_buy_team: 'group-buy-team' };

  function group() {
    return window.minishopDemoGroup;
  }

  // A shared link as a chat shows it: the card's title and price, the /r/<code> address, and a button that
  // opens the widget there as the member reading it (its open is attributed to the sharer).
  function shareCard(shared) {
    var card = document.createElement('div');
    card.className = 'card share';
    var title = document.createElement('strong');
    title.textContent = shared.title + (shared.kind === 'shop' ? '' : ' · ' + shared.shopName);
    var link = document.createElement('a');
    link.className = 'share-url';
    link.href = shared.url;
    link.textContent = shared.url;
    link.target = '_blank';
    link.rel = 'noopener';
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Open ' + shared.title;
    button.addEventListener('click', function () {
      var attributes = Object.assign({}, group() ? group().identity() : {}, { ref: shared.code });
      var name = SHARE_ATTRIBUTES[shared.kind];
      if (name && shared.targetId) attributes[name] = shared.targetId;
      openShop(null, button, attributes);
    });
    card.append(title, document.createElement('br'), link, document.createElement('br'), button);
    return card;
  }

  function groupBuyCard(offer) {
    var card = document.createElement('div');
    card.className = 'card';
    var title = document.createElement('strong');
    title.textContent = 'Group buy: ' + offer.productTitle + ', ' + offer.teamSize + ' people';
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Open the group buy';
    button.addEventListener('click', function () { openShop(null, button, { 'group-buy': offer.id }); });
    card.append(title, document.createElement('br'), button);
    return card;
  }

  // Mei shares the group buy with her own link when the demo host is there; else the plain card.
  function postGroupBuy(offer) {
    var sharing = group() ? group().shareLinkOf(0, { kind: 'group_buy', shopSlug: shop, targetId: offer.id }).catch(function () { return null; }) : Promise.resolve(null);
    return sharing.then(function (link) {
      if (!link) return say('Mei', 'Cheaper together: who is in?', groupBuyCard(offer));
      say('Mei', 'Cheaper together: who is in?', shareCard({ kind: link.kind, targetId: link.targetId, url: link.url, code: link.code, title: link.card.title, shopName: link.card.shopName }));
    });
  }

  // A Share pressed in the widget (event minishop-share): the current member posts the link's card here.
  document.addEventListener('minishop-share', function (event) {
    if (!messages.isConnected) return;
    say(group() ? group().currentName() : 'You', 'shared a link', shareCard(event.detail));
  });

  window.minishopDemo = { say: say, openShop: openShop, closeShop: function () { sheet.hidden = true; slot.replaceChildren(); } };

  function showChat(name) {
    if (window.minishopDemoGroup) window.minishopDemoGroup.hide();
    document.querySelectorAll('.chat').forEach(function (chat) { chat.setAttribute('aria-current', String(chat.dataset.chat === name)); });
    document.getElementById('chat-title').textContent = name === 'bot' ? 'Shop bot' : 'Tea lovers (group)';
    messages.replaceChildren();
    sheet.hidden = true;
    fetch('/api/store/shops/' + encodeURIComponent(shop) + '/products?pageSize=1').then(function (response) { return response.json(); }).then(function (page) {
      var product = page.items && page.items[0];
      if (name === 'bot') {
        say('Shop bot', 'Welcome! Here is what people order most:', product ? productCard(product) : null);
        var all = document.createElement('button');
        all.type = 'button';
        all.textContent = 'Browse the whole shop';
        var card = document.createElement('div');
        card.className = 'card';
        card.append(all);
        all.addEventListener('click', function () { openShop(null, all); });
        say('Shop bot', 'Or look around:', card);
      } else {
        say('Mei', 'Has anyone tried this one?', product ? productCard(product) : null);
        say('Omar', 'Yes, it is great with breakfast.');
        // The group's members and red envelopes (demo-group.js).
        if (window.minishopDemoGroup) window.minishopDemoGroup.show();
        if (groupBuyId) {
          fetch('/api/store/group-buys/' + encodeURIComponent(groupBuyId)).then(function (response) { return response.ok ? response.json() : null; }).then(function (offer) {
            if (offer) return postGroupBuy(offer);
          });
        }
      }
    });
  }

  document.querySelectorAll('.chat').forEach(function (chat) { chat.addEventListener('click', function () { showChat(chat.dataset.chat); }); });
  showChat(groupBuyId || params.get('group-buy-team') ? 'group' : 'bot');
  // A friend's team link: the widget opens at the team (it reads ?group-buy-team= itself).
  if (params.get('group-buy-team')) openShop(null, null, null);
})();
