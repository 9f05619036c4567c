// Upload with progress: each chosen or dropped file is sent on its own request (two at a time),
// so every file has its own progress bar and its own result (stored, already there, refused).
(function () {
  'use strict';
  var form = document.getElementById('upload');
  if (!form) return;
  var input = form.querySelector('input[type=file]');
  var list = document.getElementById('upload-results');
  var token = (document.querySelector('meta[name=csrf-token]') || {}).content || '';
  var queue = [];
  var running = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function size(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : Math.ceil(n / 1024) + ' KB';
  }

  function add(file) {
    var item = el('li', 'upload-item');
    item.appendChild(el('span', 'name', file.name));
    item.appendChild(el('span', 'size sub', size(file.size)));
    var bar = el('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', 'Upload of ' + file.name);
    item.appendChild(bar);
    var result = el('span', 'result', 'waiting');
    item.appendChild(result);
    list.appendChild(item);
    queue.push({ file: file, bar: bar, result: result, item: item });
    pump();
  }

  var STATUS = { queued: 'stored, waiting to be read', processing: 'reading…', done: 'read', failed: 'could not be read' };

  function describe(doc, status) {
    if (doc.duplicateOf && !doc.created) return doc.file + ': already uploaded to this claim as ' + (doc.duplicateName || 'an earlier file') + ' (not stored twice)';
    var state = STATUS[status] || 'stored';
    if (doc.duplicateOf) return doc.file + ': ' + state + '; the same file was already sent as ' + (doc.duplicateName || 'another document');
    return doc.file + ': ' + state;
  }

  // Each stored file's line follows its document's status in the refreshed documents table.
  document.addEventListener('claimproof:refreshed', function () {
    list.querySelectorAll('li[data-document]').forEach(function (li) {
      if (li.classList.contains('dup')) return;
      var row = document.querySelector('#live-rest tr[data-document="' + li.getAttribute('data-document') + '"]');
      if (row) li.textContent = describe(JSON.parse(li.getAttribute('data-doc')), row.getAttribute('data-status'));
    });
  });

  function send(job) {
    running++;
    var xhr = new XMLHttpRequest();
    var data = new FormData();
    data.append('files', job.file, job.file.name);
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) job.bar.value = Math.round((e.loaded / e.total) * 100);
    };
    job.result.textContent = 'uploading';
    xhr.onload = function () {
      var body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (err) {
        body = null;
      }
      job.bar.value = 100;
      if (xhr.status === 202 && body && body.documents) {
        job.item.classList.add('ok');
        job.result.textContent = '';
        var lines = el('ul', 'entries');
        body.documents.forEach(function (d) {
          var li = el('li', d.duplicateOf && !d.created ? 'dup' : 'new', describe(d, d.status));
          li.setAttribute('data-document', d.id);
          li.setAttribute('data-doc', JSON.stringify(d));
          lines.appendChild(li);
        });
        job.result.appendChild(lines);
        document.dispatchEvent(new CustomEvent('claimproof:uploaded'));
      } else {
        job.item.classList.add('failed');
        job.result.textContent = 'refused: ' + ((body && body.message) || 'HTTP ' + xhr.status);
      }
      done();
    };
    xhr.onerror = function () {
      job.item.classList.add('failed');
      job.result.textContent = 'the connection failed; try again';
      done();
    };
    xhr.send(data);
  }

  function done() {
    running--;
    pump();
  }

  function pump() {
    while (running < 2 && queue.length) send(queue.shift());
  }

  function take(files) {
    for (var i = 0; i < files.length; i++) add(files[i]);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    take(input.files);
    input.value = '';
  });
  input.addEventListener('change', function () {
    take(input.files);
    input.value = '';
  });
  ['dragenter', 'dragover'].forEach(function (t) {
    form.addEventListener(t, function (e) {
      e.preventDefault();
      form.classList.add('over');
    });
  });
  ['dragleave', 'drop'].forEach(function (t) {
    form.addEventListener(t, function (e) {
      e.preventDefault();
      form.classList.remove('over');
    });
  });
  form.addEventListener('drop', function (e) {
    if (e.dataTransfer && e.dataTransfer.files) take(e.dataTransfer.files);
  });
  form.classList.add('enhanced');
})();
