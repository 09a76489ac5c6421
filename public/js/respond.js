/*
 * Saves the score the customer clicked in the email, so that a customer who clicks a score and then
 * closes the tab still has it counted. Only after a human signal - pointer, touch or key input that the
 * browser marks as trusted - and never on load or on a timer alone: mail scanners that open the page and
 * run its scripts without input save nothing (server/responses/README.md). The form's own submit button
 * works without this file.
 */
(function () {
  'use strict';
  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var loadedAt = Date.now();
  // The server flags answers sent sooner than 2 s after the page was served; stay clear of that.
  var MIN_MS_ON_PAGE = 2500;
  var SIGNALS = ['pointerdown', 'pointermove', 'touchstart', 'keydown'];
  var sent = false;

  function save() {
    if (sent) return;
    var checked = form.querySelector('input[name="score"]:checked');
    if (!checked) return;
    sent = true;
    var body = new URLSearchParams();
    body.set('score', checked.value);
    body.set('stamp', form.elements.namedItem('stamp').value);
    body.set('autosave', '1');
    fetch(form.getAttribute('action'), { method: 'POST', body: body, credentials: 'omit', keepalive: true }).catch(
      function () {
        sent = false;
      },
    );
  }

  function onHumanSignal(event) {
    if (!event.isTrusted) return;
    SIGNALS.forEach(function (type) {
      document.removeEventListener(type, onHumanSignal, true);
    });
    setTimeout(save, Math.max(0, MIN_MS_ON_PAGE - (Date.now() - loadedAt)));
  }

  SIGNALS.forEach(function (type) {
    document.addEventListener(type, onHumanSignal, { capture: true, passive: true });
  });
  // The full answer is on its way: the autosave has nothing left to add.
  form.addEventListener('submit', function () {
    sent = true;
  });
})();
