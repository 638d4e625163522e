// Evidence desk: copy a citation with one click; remember the reviewer's name.
"use strict";

function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text);
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
}

function onCopy(event) {
  const button = event.currentTarget;
  const status = button.parentElement.querySelector(".copied");
  copyText(button.dataset.citation).then(
    () => { status.textContent = "Citation copied"; button.classList.add("done"); },
    () => { status.textContent = "Copy failed: select the citation text instead"; }
  );
}

function askReviewer(event) {
  const form = event.currentTarget;
  const field = form.querySelector(".reviewer-field");
  if (field && !field.value.trim()) {
    const name = window.prompt("Your name, recorded with the review:");
    if (!name) { event.preventDefault(); return; }
    field.value = name.trim();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button.copy").forEach((b) => b.addEventListener("click", onCopy));
  document.querySelectorAll("form.review").forEach((f) => f.addEventListener("submit", askReviewer));
});
