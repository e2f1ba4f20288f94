/* Clerk UI: the little that is not htmx. No arithmetic here: totals come from the server.
   The Content-Security-Policy allows scripts from this origin only, so behaviour lives here
   (event delegation on data- attributes) and never in inline handlers or hx-on attributes. */
(function () {
  "use strict";

  // Show only the entity id field that the chosen invoicing reason needs.
  function syncReason(select) {
    var reason = select.value;
    document.querySelectorAll("[data-reasons]").forEach(function (el) {
      var show = el.getAttribute("data-reasons").split(" ").indexOf(reason) !== -1;
      el.hidden = !show;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-entity-toggle]")) {
      syncReason(target);
    }
  });

  document.addEventListener("click", function (event) {
    // Remove a chosen party (its hidden input goes with it).
    var remove = event.target.closest && event.target.closest("[data-remove-chip]");
    if (remove) {
      var chip = remove.closest("li");
      var next = document.getElementById("party-search");
      if (chip) {
        chip.remove();
      }
      if (next) {
        next.focus();
      }
    }
  });

  // Enter in a search box inside the editor must not submit the whole invoice.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.matches && target.matches("[data-no-submit]")) {
      event.preventDefault();
    }
  });

  // Confirm destructive forms (data-confirm="question").
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // After htmx swaps: a picked party clears the search; a new cost row gets the focus.
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.matches && elt.matches("[data-party-pick]") && event.detail.successful) {
      var results = document.getElementById("party-results");
      var search = document.getElementById("party-search");
      if (results) {
        results.innerHTML = "";
      }
      if (search) {
        search.value = "";
        search.focus();
      }
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "cost-rows") {
      var rows = target.querySelectorAll(".cost-row");
      var last = rows[rows.length - 1];
      var first = last && last.querySelector("select, input:not([type=hidden])");
      if (first) {
        first.focus();
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("[data-entity-toggle]");
    if (select) {
      syncReason(select);
    }
  });
})();
