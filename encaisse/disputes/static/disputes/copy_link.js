// "Copy the customer's link" on a dispute's page: copies the input named by the button's
// data-copy attribute to the clipboard (the clipboard API where the page may use it, else
// the selection's copy command), then says so on the button for two seconds.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var input = document.getElementById(button.dataset.copy);
  if (!input) return;
  var label = button.textContent;
  var done = function () {
    button.textContent = button.dataset.copied;
    setTimeout(function () { button.textContent = label; }, 2000);
  };
  var bySelection = function () {
    input.select();
    if (document.execCommand && document.execCommand("copy")) done();
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, bySelection);
  } else {
    bySelection();
  }
});
