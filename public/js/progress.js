// Progressive enhancement for the survey page: while invitations are queued or sending, refresh the
// delivery counts every few seconds from /surveys/:id/progress.json. Without JavaScript the page shows
// the counts as they were when loaded, with a refresh link.
(function () {
  var table = document.getElementById('delivery');
  if (!table) return;
  var url = table.getAttribute('data-progress-url');
  function update() {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        Object.keys(data.byStatus).forEach(function (status) {
          var cell = table.querySelector('[data-status="' + status + '"]');
          if (cell) cell.textContent = String(data.byStatus[status]);
        });
        if (data.byStatus.queued + data.byStatus.sending > 0) setTimeout(update, 3000);
      })
      .catch(function () {
        setTimeout(update, 10000);
      });
  }
  if (table.getAttribute('data-active') === 'true') setTimeout(update, 3000);
})();
