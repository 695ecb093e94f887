// Places each problem of the summary (#resume) beside its field; no build step, no framework.
"use strict";

function parentPath(path) {
  const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
  return cut > 0 ? path.slice(0, cut) : "";
}

function boxFor(path) {
  while (path) {
    const box = document.querySelector('.champ[data-champ="' + CSS.escape(path) + '"]');
    if (box) return box;
    path = parentPath(path);
  }
  return null;
}

function placeProblems() {
  document.querySelectorAll(".msg-champ").forEach((e) => e.remove());
  document.querySelectorAll(".champ.en-erreur, .champ.en-alerte").forEach((e) => {
    e.classList.remove("en-erreur", "en-alerte");
  });
  document.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  document.querySelectorAll("#resume li[data-champ]").forEach((item, index) => {
    const box = boxFor(item.dataset.champ) || document.getElementById("f-racine");
    if (!box) return;
    const error = item.dataset.niveau === "erreur";
    const message = document.createElement("p");
    message.className = "msg-champ " + (error ? "erreur" : "avertissement");
    message.id = "msg-" + index;
    message.setAttribute("role", error ? "alert" : "note");
    message.textContent = (error ? "Erreur : " : "Avertissement : ") + item.dataset.message;
    const legend = box.querySelector(":scope > legend");
    if (legend) legend.after(message); else box.appendChild(message);
    box.classList.add(error ? "en-erreur" : "en-alerte");
    const input = box.querySelector(":scope > input, :scope > select, :scope > textarea, :scope > .avec-lettres > input");
    if (input && error) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", message.id);
    }
    const link = item.querySelector("a");
    if (link && box.id) link.setAttribute("href", "#" + box.id);
  });
}

document.addEventListener("DOMContentLoaded", placeProblems);
document.addEventListener("htmx:afterSettle", placeProblems);
