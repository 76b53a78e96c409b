// Polls the release of a document being signed in the worker; reloads the page
// once it is released or approved again (the page then shows the number or the
// signer's reason). The status line is an aria-live region.
(function () {
  var box = document.getElementById('release-progress');
  if (!box) return;
  var text = document.getElementById('release-progress-text');
  var badge = document.getElementById('outgoing-status');
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.signing) { setTimeout(poll, 1000); return; }
        if (badge) badge.textContent = data.status_label;
        text.textContent = data.error || data.status_label;
        setTimeout(function () { window.location.reload(); }, 400);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 700);
})();
