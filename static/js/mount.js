// Mount every widget of one kind on the page, and show each when it comes near view (its
// first data is fetched then, not on page load).

/**
 * @param {string} kind the widget's data-widget name
 * @param {(root: HTMLElement, config: object) => {show: () => void}} make
 * @returns {Map<HTMLElement, any>} root element -> its widget
 */
export function mountWidgets(kind, make) {
  const widgets = new Map();
  for (const root of document.querySelectorAll(`.widget[data-widget="${kind}"]`)) {
    try {
      widgets.set(root, make(root, JSON.parse(root.dataset.config)));
    } catch (err) {
      console.error(`${kind} ${root.id} could not start`, err);
    }
  }
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          widgets.get(entry.target)?.show();
          observer.unobserve(entry.target);
        }
      }
    },
    { rootMargin: "400px 0px" },
  );
  for (const root of widgets.keys()) observer.observe(root);
  return widgets;
}
