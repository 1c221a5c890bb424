// The demo chat's second phone: a courier riding an order to the shopper's door through the real courier
// API (/api/courier), so the shopper's widget beside it shows the courier's position move live. The same
// ride as `npm run demo:courier` (scripts/demo-courier.ts): picked up, ten positions towards the door
// (out for delivery halfway), delivered. The courier is the one whose token is pasted, or, on a database
// with the demo seed, a new courier of the demo shop sent to its newest paid order by the demo owner
// (the published demo login).
(function () {
  var params = new URLSearchParams(location.search);
  var stepMs = Number(params.get('courierStepMs') || 1500);
  var STEPS = 10;
  // For an order without a destination of its own: from near Notre-Dame to the Louvre.
  var DESTINATION = { latitude: 48.8606, longitude: 2.3376 };
  var form = document.getElementById('courier-form');
  var tokenInput = document.getElementById('courier-token');
  var demoButton = document.getElementById('demo-courier');
  var log = document.getElementById('courier-log');
  var riding = false;

  function say(text) {
    var item = document.createElement('li');
    item.textContent = text;
    log.append(item);
  }

  function call(method, path, token, body) {
    var headers = token ? { authorization: 'Bearer ' + token } : {};
    if (body) headers['content-type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined }).then(function (response) {
      return response.text().then(function (text) {
        var answer = text ? JSON.parse(text) : null;
        if (!response.ok) throw new Error((answer && answer.message) || method + ' ' + path + ' answered ' + response.status);
        return answer;
      });
    });
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  /** A new courier of the demo shop, with a shipment of its newest paid order (as the demo owner). */
  function demoCourierToken() {
    return call('POST', '/api/auth/login', null, { email: 'owner@demo.minishop.dev', password: 'minishop-demo' }).then(function (login) {
      var staff = login.accessToken;
      var query = 'filter=' + encodeURIComponent(JSON.stringify({ status: ['paid', 'packed'] })) + '&sort=' + encodeURIComponent('["createdAt","DESC"]') + '&range=' + encodeURIComponent('[0,0]');
      return Promise.all([
        call('POST', '/api/admin/couriers', staff, { name: 'Demo Courier ' + new Date().toTimeString().slice(0, 8) }),
        call('GET', '/api/admin/orders?' + query, staff),
      ]).then(function (found) {
        var courier = found[0];
        var order = found[1][0];
        if (!order) throw new Error('No paid order to deliver: pay one in the shop first.');
        return call('POST', '/api/admin/orders/' + order.id + '/shipments', staff, { courierId: courier.id, destination: DESTINATION, note: 'demo chat courier' }).then(function () {
          return call('POST', '/api/admin/couriers/' + courier.id + '/token', staff);
        }).then(function (issued) { return issued.token; });
      });
    });
  }

  function ride(token) {
    var courier = function (method, path, body) { return call(method, '/api/courier' + path, token, body); };
    var now = function () { return new Date().toISOString(); };
    return courier('GET', '/shipments').then(function (mine) {
      var shipment = mine.shipments.find(function (candidate) { return candidate.status !== 'delivered' && candidate.status !== 'returned'; });
      if (!shipment) throw new Error(mine.courier.name + ' has nothing to deliver.');
      say(mine.courier.name + ' takes order #' + shipment.orderNumber + '.');
      var destination = shipment.destination || DESTINATION;
      var start = shipment.lastPosition || { latitude: destination.latitude - 0.01, longitude: destination.longitude - 0.01 };
      var step = 0;
      var next = function () {
        step += 1;
        if (step > STEPS) {
          return courier('POST', '/shipments/' + shipment.id + '/status', { status: 'delivered', recordedAt: now(), message: 'Handed to the customer' }).then(function () { say('Delivered.'); });
        }
        var fraction = step / STEPS;
        var position = { latitude: start.latitude + (destination.latitude - start.latitude) * fraction, longitude: start.longitude + (destination.longitude - start.longitude) * fraction, accuracyMeters: 8, recordedAt: now() };
        var status = step === Math.floor(STEPS / 2) ? courier('POST', '/shipments/' + shipment.id + '/status', { status: 'out_for_delivery', recordedAt: now() }) : Promise.resolve();
        return status
          .then(function () { return courier('POST', '/shipments/' + shipment.id + '/positions', position); })
          .then(function () { say('Position ' + step + ' of ' + STEPS + '.'); return sleep(stepMs); })
          .then(next);
      };
      var pickedUp = shipment.status === 'label_created' || shipment.status === 'confirmed' ? courier('POST', '/shipments/' + shipment.id + '/status', { status: 'picked_up', recordedAt: now(), message: 'On my way' }) : Promise.resolve();
      return pickedUp.then(next);
    });
  }

  function start(tokenPromise) {
    if (riding) return;
    riding = true;
    log.replaceChildren();
    tokenPromise.then(ride).catch(function (error) { say(error.message); }).then(function () { riding = false; });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    start(Promise.resolve(tokenInput.value.trim()));
  });
  demoButton.addEventListener('click', function () { start(demoCourierToken()); });
})();
