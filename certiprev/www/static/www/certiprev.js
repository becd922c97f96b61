/* Certiprev — small progressive enhancements. Every action also works without this script. */
(function () {
  "use strict";

  // Move focus to the error summary so that screen-reader and keyboard users hear the errors first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // The header's menu folds behind a "Menu" button on a phone (CSS decides the width); Escape closes it.
  var menu = document.querySelector("[data-menu]");
  var toggle = menu && menu.querySelector(".menu-toggle");
  if (toggle) {
    document.documentElement.classList.add("js-menu");
    toggle.hidden = false;
    var setOpen = function (open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    };
    toggle.addEventListener("click", function () { setOpen(toggle.getAttribute("aria-expanded") !== "true"); });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // Ask before destructive actions (the server still requires the POST).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // A closed session's certificates being generated: the section reloads itself (every 3 s, for 5 minutes at most)
  // until the files are ready. Without this script, the "Recharger la page" link does the same.
  var refreshCertificates = function (attempt) {
    var section = document.querySelector("[data-refresh-url]");
    if (!section || attempt > 100 || !window.fetch) { return; }
    window.setTimeout(function () {
      window.fetch(section.getAttribute("data-refresh-url"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("#certificats-section");
          if (!fresh) { return; }
          section.replaceWith(fresh);
          refreshCertificates(attempt + 1);
        })
        .catch(function () { refreshCertificates(attempt + 1); });
    }, 3000);
  };
  refreshCertificates(0);

  // Trainer validation: "tous réussis" without reloading; an absent trainee cannot pass.
  var validation = document.querySelector("[data-validation-form]");
  if (validation) {
    var syncCard = function (card) {
      var absent = card.querySelector('input[name^="present-"][value="non"]');
      var passed = card.querySelector('input[name^="passed-"][value="oui"]');
      var failed = card.querySelector('input[name^="passed-"][value="non"]');
      if (!absent || !passed || !failed) { return; }
      if (absent.checked) {
        failed.checked = true;
        passed.disabled = true;
      } else {
        passed.disabled = false;
      }
    };
    var cards = validation.querySelectorAll(".trainee-card");
    Array.prototype.forEach.call(cards, syncCard);
    validation.addEventListener("change", function (event) {
      var card = event.target.closest(".trainee-card");
      if (card) { syncCard(card); }
    });
    var allPassed = document.querySelector("[data-all-passed]");
    if (allPassed) {
      allPassed.addEventListener("click", function (event) {
        event.preventDefault();
        Array.prototype.forEach.call(cards, function (card) {
          var present = card.querySelector('input[name^="present-"][value="oui"]');
          var passed = card.querySelector('input[name^="passed-"][value="oui"]');
          if (present) { present.checked = true; }
          if (passed) { passed.disabled = false; passed.checked = true; }
        });
        var status = document.getElementById("all-passed-status");
        if (status) { status.textContent = "Tous les stagiaires sont marqués présents et réussis : changez les exceptions."; }
      });
    }
  }
})();
