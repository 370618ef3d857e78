// "Copy BibTeX": copy the text of the element named by data-copy to the clipboard.
document.addEventListener("click", function (event) {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const text = document.getElementById(button.dataset.copy).textContent;
  navigator.clipboard.writeText(text).then(
    function () { button.textContent = "Copied"; },
    function () { button.textContent = "Select the text to copy it"; }
  );
});
