/**
 * The console's only script, served from this origin (`script-src 'self'`, no inline script): forms
 * marked `data-autosubmit` apply a changed setting at once, and the as-of slider shows the moment it
 * points at in the page's zone and sends it as the typed moment. Every page works without it.
 */
export const CONSOLE_SCRIPT = `'use strict';
(function () {
  var slider = document.getElementById('as-of-slider');
  var output = document.getElementById('as-of-output');
  var text = document.getElementById('as-of-text');
  var zone = slider ? slider.getAttribute('data-zone') || 'UTC' : 'UTC';
  var format = function (ms) {
    try {
      return new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, timeZoneName: 'short' }).format(new Date(ms));
    } catch (e) {
      return new Date(ms).toISOString();
    }
  };
  if (slider && output) {
    slider.addEventListener('input', function () { output.textContent = format(Number(slider.value)); });
    slider.addEventListener('change', function () {
      if (text) text.value = new Date(Number(slider.value)).toISOString();
      if (slider.form) slider.form.requestSubmit();
    });
  }
  var forms = document.querySelectorAll('form[data-autosubmit]');
  for (var i = 0; i < forms.length; i++) {
    (function (form) {
      form.addEventListener('change', function (event) {
        var target = event.target;
        if (target === slider || target === text) return;
        if (target && target.name === 'as_of_basis') return;
        form.requestSubmit();
      });
    })(forms[i]);
  }
})();
`;
