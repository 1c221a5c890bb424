// The courier's phone page: no framework, one file. It keeps the token in localStorage, lists the
// courier's shipments, shares the phone's position (at most one post every few seconds) and marks
// shipments picked up, out for delivery or delivered, all through /api/courier.
(function () {
  'use strict';
  var TOKEN_KEY = 'minishop.courierToken';
  var MIN_POST_INTERVAL_MS = 5000;
  var tokenInput = document.getElementById('token');
  var list = document.getElementById('shipments');
  var message = document.getElementById('message');
  var locationText = document.getElementById('location');
  var shareButton = document.getElementById('share');
  var watchId = null;
  var lastPostAt = 0;
  var pending = null;

  function say(text) { message.textContent = text; }
  function token() { return localStorage.getItem(TOKEN_KEY) || ''; }

  function api(method, path, body) {
    return fetch('/api/courier' + path, {
      method: method,
      headers: Object.assign({ authorization: 'Bearer ' + token() }, body ? { 'content-type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) throw new Error(json.message || ('HTTP ' + response.status));
        return json;
      });
    });
  }

  var LABELS = { label_created: 'Label created', confirmed: 'Confirmed', picked_up: 'Picked up', in_transit: 'In transit',
    out_for_delivery: 'Out for delivery', attempted_delivery: 'Delivery attempted', delayed: 'Delayed',
    ready_for_pickup: 'Ready for pickup', delivered: 'Delivered', failure: 'Failed', returned: 'Returned' };
  var ACTIONS = [['picked_up', 'Picked up'], ['out_for_delivery', 'Out for delivery'], ['delivered', 'Delivered']];

  function render(shipments) {
    list.textContent = '';
    if (!shipments.length) { var empty = document.createElement('li'); empty.textContent = 'No shipments assigned to you.'; list.appendChild(empty); return; }
    shipments.forEach(function (shipment) {
      var item = document.createElement('li');
      var title = document.createElement('div');
      title.appendChild(document.createTextNode('Order #' + shipment.orderNumber + ' — '));
      var status = document.createElement('span'); status.className = 'status'; status.textContent = LABELS[shipment.status] || shipment.status;
      title.appendChild(status);
      item.appendChild(title);
      var details = document.createElement('div'); details.className = 'hint';
      var lines = shipment.lines.map(function (line) { return line.quantity + ' × ' + line.productTitle; }).join(', ');
      details.textContent = (lines || 'No lines') + (shipment.etaAt ? ' · ETA ' + new Date(shipment.etaAt).toLocaleTimeString() : '') +
        (shipment.deliveryAddress ? '' : ' · address: ask the shop');
      item.appendChild(details);
      if (shipment.status !== 'delivered' && shipment.status !== 'returned') {
        ACTIONS.forEach(function (action) {
          var button = document.createElement('button');
          button.type = 'button';
          button.textContent = action[1];
          button.setAttribute('aria-label', action[1] + ': order #' + shipment.orderNumber);
          button.addEventListener('click', function () { mark(shipment.id, action[0]); });
          item.appendChild(button);
        });
      }
      list.appendChild(item);
    });
  }

  function load() {
    if (!token()) { say('Paste the token the shop gave you.'); return; }
    api('GET', '/shipments').then(function (result) {
      say('Signed in as ' + result.courier.name + '.');
      render(result.shipments);
    }).catch(function (error) { say(error.message); });
  }

  function mark(shipmentId, status) {
    api('POST', '/shipments/' + shipmentId + '/status', { status: status, recordedAt: new Date().toISOString() })
      .then(function () { say('Marked ' + (LABELS[status] || status).toLowerCase() + '.'); load(); })
      .catch(function (error) { say(error.message); });
  }

  function postPosition(position) {
    var body = { latitude: position.coords.latitude, longitude: position.coords.longitude, recordedAt: new Date(position.timestamp).toISOString() };
    if (typeof position.coords.accuracy === 'number') body.accuracyMeters = position.coords.accuracy;
    lastPostAt = Date.now();
    api('POST', '/positions', body).then(function (result) {
      locationText.textContent = 'Sharing. Last sent ' + new Date().toLocaleTimeString() + ' for ' + result.shipments.length + ' shipment(s).';
    }).catch(function (error) { locationText.textContent = 'Could not send the position: ' + error.message; });
  }

  function onPosition(position) {
    // Throttled: the newest fix waits for the interval, older ones are dropped.
    var wait = MIN_POST_INTERVAL_MS - (Date.now() - lastPostAt);
    if (wait <= 0) { postPosition(position); return; }
    var scheduled = pending !== null;
    pending = position;
    if (!scheduled) setTimeout(function () { var next = pending; pending = null; if (next && watchId !== null) postPosition(next); }, wait);
  }

  shareButton.addEventListener('click', function () {
    if (watchId !== null) {
      navigator.geolocation.clearWatch(watchId);
      watchId = null;
      shareButton.setAttribute('aria-pressed', 'false');
      shareButton.textContent = 'Share my location';
      locationText.textContent = 'Not sharing.';
      return;
    }
    if (!('geolocation' in navigator)) { locationText.textContent = 'This browser cannot share its location.'; return; }
    watchId = navigator.geolocation.watchPosition(onPosition, function (error) { locationText.textContent = 'Location unavailable: ' + error.message; },
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 20000 });
    shareButton.setAttribute('aria-pressed', 'true');
    shareButton.textContent = 'Stop sharing my location';
    locationText.textContent = 'Waiting for the first position…';
  });

  document.getElementById('sign-in').addEventListener('submit', function (event) {
    event.preventDefault();
    localStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
    tokenInput.value = '';
    load();
  });
  document.getElementById('forget').addEventListener('click', function () { localStorage.removeItem(TOKEN_KEY); list.textContent = ''; say('Token forgotten.'); });
  document.getElementById('refresh').addEventListener('click', load);
  load();
})();
