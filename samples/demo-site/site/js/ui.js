// Small helpers both pages share: the message line and forms that call one async action.

const message = () => document.getElementById('message');

/** Shows a notice to the visitor. */
export function say(text) {
  message().textContent = text;
  message().className = '';
}

/** Shows what went wrong; the client's AuthError carries the server's GoTrue message. */
export function sayError(error) {
  message().textContent = error && error.message ? error.message : String(error);
  message().className = 'error';
}

/**
 * Runs `action(fields)` when the form is submitted, with its named inputs as an object, the button disabled
 * meanwhile and any error shown.
 */
export function onSubmit(formId, action) {
  const form = document.getElementById(formId);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await action(Object.fromEntries(new FormData(form)), form);
    } catch (error) {
      sayError(error);
    } finally {
      button.disabled = false;
    }
  });
}

/** Shows exactly the element with `id` of the given ones. */
export function showOnly(ids, id) {
  for (const each of ids) document.getElementById(each).hidden = each !== id;
}
