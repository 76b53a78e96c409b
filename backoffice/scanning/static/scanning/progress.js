// Polls each unfinished batch's progress; reloads once all are done so the
// component table shows the attached files.
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.batch[data-progress-url]'));
  var waiting = boxes.filter(function (b) { return b.dataset.finished !== '1'; });
  if (!waiting.length) return;
  function poll() {
    Promise.all(waiting.map(function (box) {
      return fetch(box.dataset.progressUrl, {credentials: 'same-origin', cache: 'no-store'})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var bar = box.querySelector('.progress');
          bar.setAttribute('aria-valuenow', data.percent);
          bar.querySelector('.progress-fill').style.width = data.percent + '%';
          box.querySelector('.pages-done').textContent = data.pages_done;
          box.querySelector('.pages-total').textContent = data.pages_total;
          box.querySelector('.percent').textContent = data.percent;
          box.querySelector('.batch-status').textContent = data.status_label;
          bar.classList.toggle('done', data.status === 'done');
          bar.classList.toggle('failed', data.status === 'failed');
          var err = box.querySelector('.batch-error');
          if (data.error) { err.textContent = data.error; err.hidden = false; }
          if (data.finished) box.dataset.finished = '1';
          return data.finished;
        }).catch(function () { return false; });
    })).then(function (states) {
      if (states.every(Boolean)) { setTimeout(function () { window.location.reload(); }, 600); }
      else { setTimeout(poll, 1000); }
    });
  }
  setTimeout(poll, 500);
})();
