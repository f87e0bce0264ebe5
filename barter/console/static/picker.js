// Tap the map to place a community: SVG coordinates back to latitude and longitude
// (the projection of barter/reference/map.json, given on the #picker element).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("picker");
  if (!box) return;
  const svg = box.querySelector("svg");
  const p = box.dataset;
  svg.addEventListener("click", (event) => {
    const pt = svg.createSVGPoint();
    pt.x = event.clientX;
    pt.y = event.clientY;
    const at = pt.matrixTransform(svg.getScreenCTM().inverse());
    const lat = parseFloat(p.lat1) - at.y / parseFloat(p.scale);
    const lon = parseFloat(p.lon0) + at.x / (parseFloat(p.kx) * parseFloat(p.scale));
    document.getElementById("lat").value = lat.toFixed(5);
    document.getElementById("lon").value = lon.toFixed(5);
    let dot = svg.querySelector("circle.picked");
    if (!dot) {
      dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      dot.setAttribute("class", "pt picked");
      dot.setAttribute("r", "10");
      svg.appendChild(dot);
    }
    dot.setAttribute("cx", at.x);
    dot.setAttribute("cy", at.y);
  });
});
