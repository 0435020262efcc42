// Stripe checkout: mounts the Payment Element and confirms the payment. Stripe.js is loaded
// before this file; the form carries the publishable key, the intent's client secret and
// where Stripe sends the payer back.
(function () {
  "use strict";
  var form = document.getElementById("stripe-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.key, {locale: document.documentElement.lang || "auto"});  // its card form speaks the page's language
  var elements = stripe.elements({clientSecret: form.dataset.clientSecret});
  elements.create("payment").mount("#payment-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    stripe.confirmPayment({elements: elements, confirmParams: {return_url: form.dataset.returnUrl}})
      .then(function (result) {
        if (result.error) {
          var box = document.getElementById("stripe-error");
          box.textContent = result.error.message;
          box.hidden = false;
        }
      });
  });
})();
