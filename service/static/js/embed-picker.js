// Copy the iframe snippet with one click (progressive enhancement: the textarea works alone).
(function () {
  var button = document.getElementById("copy-snippet");
  var snippet = document.getElementById("snippet");
  if (!button || !snippet || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(snippet.value).then(function () {
      button.textContent = button.dataset.copied || "Kopieret";
    });
  });
})();
