// Marks <html> with class "js" before the first paint (a classic script, so it blocks):
// the stylesheets then hold the place of what the modules will show, such as the Listen
// player, instead of letting the lesson jump when it appears. A module runs too late for that.
document.documentElement.classList.add("js");
