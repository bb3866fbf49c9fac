// Sample site: swap each lazy image's data-src into src, as lazy-loading scripts do.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("img[data-src]").forEach(function (img) {
    img.src = img.getAttribute("data-src");
  });
});
