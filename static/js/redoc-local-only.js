// The ReDoc page loads nothing from another host. ReDoc's bundle shows its maker's logo from
// cdn.redoc.ly in the menu and has no option to leave it out, so an image pointed at another host gets
// an empty source instead: it never loads, and ReDoc's own error handler then hides the logo.
(function () {
  "use strict";

  function elsewhere(url) {
    var text = String(url);
    if (/^(data|blob):/i.test(text)) return false;
    try {
      return new URL(text, document.baseURI).origin !== window.location.origin;
    } catch (error) {
      return false;
    }
  }

  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src" && elsewhere(value)) {
      value = "data:,";
    }
    return setAttribute.call(this, name, value);
  };

  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      src.set.call(this, elsewhere(value) ? "data:," : value);
    },
  });
})();
