// Drives the real window through a few states and saves each as a PNG (docs/screenshots):
// empty window, several takes with one selected, the export dialog, meters on an
// inverted-phase take. Uses the procedural engine and a throw-away library.
#pragma once

#include <QString>

namespace footfall::ui {

// Returns 0 on success; prints what it wrote. Call after QStandardPaths::setTestModeEnabled.
int runScreenshotTour(const QString& folder);

} // namespace footfall::ui
