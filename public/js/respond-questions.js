/*
 * Shows only the additional questions the chosen score asks ("only if your score is 0-6"), and
 * disables the hidden ones' inputs so nothing they hold is sent. Without this file every question is
 * shown with its condition in words, and the server checks the conditions either way.
 */
(function () {
  'use strict';
  var form = document.querySelector('form.respond');
  if (!form) return;
  var conditional = form.querySelectorAll('[data-show-from]');

  function update() {
    var checked = form.querySelector('input[name="score"]:checked');
    var score = checked ? Number(checked.value) : NaN;
    Array.prototype.forEach.call(conditional, function (el) {
      var shown =
        score >= Number(el.getAttribute('data-show-from')) && score <= Number(el.getAttribute('data-show-to'));
      el.hidden = !shown;
      Array.prototype.forEach.call(el.querySelectorAll('input, textarea'), function (input) {
        input.disabled = !shown;
      });
      var note = el.querySelector('.condition-note');
      if (note) note.hidden = true;
    });
  }

  form.addEventListener('change', function (event) {
    if (event.target && event.target.name === 'score') update();
  });
  update();
})();
