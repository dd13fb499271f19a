/* Font size buttons (放大字体 / 缩小字体) for the article text.
 * The chosen step (-2..+4) is kept in localStorage so the next article opens the same way. */
(function () {
  "use strict";
  var KEY = "newsroom.fontStep", MIN = -2, MAX = 4;
  var target = document.querySelector("[data-font-target]");
  if (!target) { return; }

  function read() {
    try {
      var value = parseInt(window.localStorage.getItem(KEY), 10);
      return isNaN(value) ? 0 : Math.max(MIN, Math.min(MAX, value));
    } catch (e) { return 0; }
  }
  function apply(step) {
    target.setAttribute("data-font-step", String(step));
    document.querySelectorAll("[data-font-change]").forEach(function (button) {
      var delta = parseInt(button.getAttribute("data-font-change"), 10);
      button.disabled = (delta > 0 && step >= MAX) || (delta < 0 && step <= MIN);
    });
  }
  var step = read();
  apply(step);
  document.querySelectorAll("[data-font-change]").forEach(function (button) {
    button.addEventListener("click", function () {
      step = Math.max(MIN, Math.min(MAX, step + parseInt(button.getAttribute("data-font-change"), 10)));
      try { window.localStorage.setItem(KEY, String(step)); } catch (e) { /* private mode */ }
      apply(step);
    });
  });
})();
