// The demo chat's group conversation: who you are among its members (each a distinct shopper, signed in
// with the token the demo host signs for them, GET /demo/members), and its red envelopes as cards.
// A card opens the widget as the current member at the envelope; "Send a red envelope" opens it at the
// send form. The widget tells the page when an envelope was sent or claimed (event minishop-red-envelope).
(function () {
  var state = { members: null, loadedAt: 0, current: 0, shopperNames: {}, bar: null, cards: null, visible: false };
  // The host's tokens live an hour: fetch fresh ones well before that.
  var MEMBERS_FRESH_MS = 30 * 60 * 1000;

  function api(path, body, accessToken) {
    var headers = { 'content-type': 'application/json' };
    if (accessToken) headers.authorization = 'Bearer ' + accessToken;
    return fetch(path, { method: 'POST', headers: headers, body: JSON.stringify(body) }).then(function (response) {
      if (!response.ok) throw new Error(path + ' answered ' + response.status);
      return response.json();
    });
  }

  function loadMembers() {
    if (state.members && Date.now() - state.loadedAt < MEMBERS_FRESH_MS) return Promise.resolve(state.members);
    return fetch('/demo/members').then(function (response) { return response.json(); }).then(function (answer) {
      state.loadedAt = Date.now();
      if (!answer.hostId) return (state.members = { hostId: null, members: [] });
      // Every member signs in once: their shopper ids name the senders of the cards.
      return Promise.all(answer.members.map(function (member) {
        return api('/api/store/sessions', { provider: 'host', hostId: answer.hostId, token: member.token }).then(function (session) {
          member.accessToken = session.accessToken;
          state.shopperNames[session.shopper.id] = member.name;
        });
      })).then(function () { return (state.members = answer); });
    });
  }

  function member() {
    return state.members.members[state.current];
  }

  function widgetAttributes(redEnvelope) {
    var you = member();
    return { 'host-id': state.members.hostId, 'host-token': you.token, 'group-token': you.token, 'red-envelope': redEnvelope };
  }

  function describe(envelope) {
    if (envelope.status === 'returned') return 'Expired: ' + envelope.claimedCount + ' of ' + envelope.shareCount + ' claimed, the rest went back.';
    if (envelope.status === 'claimed') return 'All ' + envelope.shareCount + ' claimed.';
    return envelope.claimedCount + ' of ' + envelope.shareCount + ' claimed.';
  }

  function envelopeCard(envelope) {
    var card = document.createElement('div');
    card.className = 'card red-envelope';
    var title = document.createElement('strong');
    title.textContent = envelope.message || 'Best wishes';
    var status = document.createElement('span');
    status.className = 'envelope-status';
    status.textContent = ' ' + describe(envelope);
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Open the red envelope';
    button.addEventListener('click', function () { window.minishopDemo.openShop(null, button, widgetAttributes(envelope.id)); });
    card.append(title, status, document.createElement('br'), button);
    return card;
  }

  function sender(envelope) {
    if (envelope.senderType === 'merchant') return 'The shop';
    return state.shopperNames[envelope.senderShopperId] || 'A member';
  }

  /** The group's envelopes (oldest first), as the current member sees them. */
  function refresh() {
    if (!state.visible || !state.members || !state.members.hostId) return Promise.resolve();
    var you = member();
    return api('/api/store/red-envelopes/group', { group: { provider: 'host', hostId: state.members.hostId, token: you.token } }, you.accessToken).then(function (envelopes) {
      state.cards.replaceChildren();
      envelopes.slice().reverse().forEach(function (envelope) {
        var item = document.createElement('li');
        item.className = 'message';
        var name = document.createElement('span');
        name.className = 'from';
        name.textContent = sender(envelope);
        item.append(name, document.createTextNode('sent a red envelope'), envelopeCard(envelope));
        state.cards.append(item);
      });
    });
  }

  function buildBar() {
    var bar = document.createElement('div');
    bar.className = 'group-bar';
    var label = document.createElement('label');
    label.textContent = 'You are ';
    var select = document.createElement('select');
    select.id = 'group-member';
    state.members.members.forEach(function (one, index) {
      var option = document.createElement('option');
      option.value = String(index);
      option.textContent = one.name;
      select.append(option);
    });
    select.value = String(state.current);
    select.addEventListener('change', function () {
      state.current = Number(select.value);
      window.minishopDemo.closeShop();
      void refresh();
    });
    label.append(select);
    var send = document.createElement('button');
    send.type = 'button';
    send.textContent = 'Send a red envelope';
    send.addEventListener('click', function () { window.minishopDemo.openShop(null, send, widgetAttributes('new')); });
    bar.append(label, send);
    return bar;
  }

  function show() {
    state.visible = true;
    var messages = document.getElementById('messages');
    return loadMembers().then(function (members) {
      if (!state.visible) return;
      if (!members.hostId) {
        var note = document.createElement('p');
        note.className = 'group-bar';
        note.textContent = 'Red envelopes need the demo chat host: register a chat host named "Minishop demo chat" (the demo seed does).';
        state.bar = note;
        messages.before(note);
        return;
      }
      state.bar = buildBar();
      messages.before(state.bar);
      state.cards = document.createElement('ol');
      state.cards.className = 'messages';
      state.cards.setAttribute('aria-label', 'Red envelopes');
      messages.after(state.cards);
      return refresh();
    });
  }

  function hide() {
    state.visible = false;
    if (state.bar) state.bar.remove();
    if (state.cards) state.cards.remove();
    state.bar = null;
    state.cards = null;
  }

  /** The current member's widget attributes (who they are at the host, their group); none without the demo host. */
  function identity() {
    if (!state.members || !state.members.hostId) return {};
    var you = member();
    return { 'host-id': state.members.hostId, 'host-token': you.token, 'group-token': you.token };
  }

  function currentName() {
    return state.members && state.members.hostId ? member().name : 'You';
  }

  /** A member's own share link (POST /api/store/share-links): their referral code; null without the demo host. */
  function shareLinkOf(index, body) {
    return loadMembers().then(function (members) {
      if (!members.hostId) return null;
      return api('/api/store/share-links', body, members.members[index].accessToken);
    });
  }

  document.addEventListener('minishop-red-envelope', function () { void refresh(); });
  window.minishopDemoGroup = { show: show, hide: hide, refresh: refresh, identity: identity, currentName: currentName, shareLinkOf: shareLinkOf };
})();
