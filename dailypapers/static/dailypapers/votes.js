// Upvote without reloading: send the vote form with fetch, then show the server's answer.
// Without this script the same form posts and the page reloads, so voting still works.
document.addEventListener("submit", function (event) {
  const form = event.target.closest("form[data-vote]");
  if (!form) return;
  event.preventDefault();
  const button = form.querySelector("button");
  const choice = form.querySelector("input[name=vote]");
  if (button.disabled) return;
  button.disabled = true;
  fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  })
    .then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    })
    .then(function (answer) {
      if (answer.status === 401 && answer.data.login) {
        window.location.href = answer.data.login;
        return;
      }
      if (answer.status !== 200) {
        window.alert(answer.data.error || "The vote did not go through. Try again.");
        return;
      }
      button.querySelector(".count").textContent = answer.data.upvotes.toLocaleString("en-US");
      button.setAttribute("aria-pressed", answer.data.voted ? "true" : "false");
      button.title = answer.data.voted ? "Remove your upvote" : "Upvote";
      choice.value = answer.data.voted ? "0" : "1";
    })
    .catch(function () { window.alert("The vote did not go through. Try again."); })
    .finally(function () { button.disabled = false; });
});
