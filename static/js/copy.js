/* Progressive enhancement: show "Copy BibTeX" buttons only where the clipboard API exists. */
(function () {
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var status = button.nextElementSibling;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copyTarget).textContent;
      navigator.clipboard.writeText(text).then(
        function () { status.textContent = "Copied."; },
        function () { status.textContent = "Copy failed: select the text and copy it."; }
      );
    });
  });
})();
