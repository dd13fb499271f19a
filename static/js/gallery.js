/* Article gallery: a CSS scroll-snap strip (swipe works without this script) plus
 * previous/next buttons, arrow keys and a "n / total" status. */
(function () {
  "use strict";
  document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
    var track = gallery.querySelector("[data-gallery-track]");
    var slides = track.children;
    var status = gallery.querySelector("[data-gallery-status]");
    var prev = gallery.querySelector("[data-gallery-prev]");
    var next = gallery.querySelector("[data-gallery-next]");
    var current = 0;

    function setDisabled(button, disabled) {
      if (!button) { return; }
      // A focused button that gets disabled drops focus to <body> and the arrow keys stop
      // working; hand focus to the strip first so keyboard users keep their place.
      if (disabled && document.activeElement === button) { track.focus({ preventScroll: true }); }
      button.disabled = disabled;
    }
    function show(index) {
      current = Math.max(0, Math.min(slides.length - 1, index));
      if (status) { status.textContent = (current + 1) + " / " + slides.length; }
      setDisabled(prev, current === 0);
      setDisabled(next, current === slides.length - 1);
    }
    function update() {
      show(Math.round(track.scrollLeft / Math.max(track.clientWidth, 1)));
    }
    function go(index) {
      show(index);
      track.scrollTo({ left: slides[current].offsetLeft - slides[0].offsetLeft, behavior: "smooth" });
    }
    if (prev) { prev.addEventListener("click", function () { go(current - 1); }); }
    if (next) { next.addEventListener("click", function () { go(current + 1); }); }
    gallery.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { go(current - 1); event.preventDefault(); }
      if (event.key === "ArrowRight") { go(current + 1); event.preventDefault(); }
    });
    var pending = null;
    track.addEventListener("scroll", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(update, 120);
    });
    update();
  });
})();
