// Enter submits a form marked data-enter-submits from any field, as in a spreadsheet: a
// browser does so from a text box only, not from a select or a checkbox. The form's first
// submit button is the one used (as the browser's own implicit submission does).
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || event.shiftKey || event.ctrlKey || event.altKey || event.isComposing) {
    return;
  }
  var field = event.target;
  var form = field.form;
  if (!form || !form.hasAttribute("data-enter-submits")) {
    return;
  }
  if (field.tagName !== "SELECT" && !(field.tagName === "INPUT" && /^(checkbox|radio)$/.test(field.type))) {
    return;
  }
  event.preventDefault();
  var button = form.querySelector("button[type=submit], input[type=submit]");
  form.requestSubmit(button || undefined);
});
