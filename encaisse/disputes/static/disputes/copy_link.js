// "Copy the customer's link" on a dispute's page: copies the input named by the button's
// data-copy attribute to the clipboard (falls back to selecting it, for a plain-HTTP address
// where the clipboard API is not offered), then says so on the button for two seconds.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var input = document.getElementById(button.dataset.copy);
  if (!input) return;
  input.select();
  var done = function () {
    var label = button.textContent;
    button.textContent = button.dataset.copied;
    setTimeout(function () { button.textContent = label; }, 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, function () {});
  } else if (document.execCommand && document.execCommand("copy")) {
    done();
  }
});
