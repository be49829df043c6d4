// The dark, DAW-like look: Fusion with a dark palette and a small style sheet.
#pragma once

class QApplication;

namespace footfall::ui {

void applyDarkStyle(QApplication& app);

} // namespace footfall::ui
