// The editor is built on this page; for now it only says the server answers.
const status = document.createElement('p')
document.querySelector('#app')?.append(status)
fetch('/healthz')
  .then((response) => {
    status.textContent = response.ok ? 'Server: ready.' : 'Server: not ready.'
  })
  .catch(() => {
    status.textContent = 'Server: unreachable.'
  })
