#include "app/app_style.h"

#include <QApplication>
#include <QColor>
#include <QPalette>
#include <QStyleFactory>

namespace footfall::ui {

void applyDarkStyle(QApplication& app) {
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor window(37, 40, 44), base(27, 29, 32), text(222, 225, 229), accent(64, 140, 220);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(32, 35, 39));
    p.setColor(QPalette::ToolTipBase, QColor(50, 54, 60));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::PlaceholderText, QColor(120, 126, 134));
    p.setColor(QPalette::Button, QColor(48, 52, 58));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 90, 90));
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, accent);
    p.setColor(QPalette::Mid, QColor(30, 32, 36));
    p.setColor(QPalette::Dark, QColor(20, 22, 25));
    p.setColor(QPalette::Light, QColor(70, 74, 80));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(110, 114, 120));
    app.setPalette(p);
    app.setStyleSheet(QStringLiteral(R"(
QGroupBox { border: 1px solid #3a3f46; border-radius: 4px; margin-top: 14px; padding-top: 4px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #9aa3ad;
                   font-weight: bold; }
QPushButton#generateButton { background: #2f6fb5; color: white; font-weight: bold;
                             padding: 6px 12px; border-radius: 3px; border: 1px solid #3d82cc; }
QPushButton#generateButton:hover { background: #3a7ec7; }
QPushButton#generateButton:disabled { background: #3a3f46; color: #888; }
QLabel#errorBanner { background: #5a1f1f; color: #ffd7d2; border: 1px solid #a33a32;
                     border-radius: 3px; padding: 6px; }
QLabel#statusLabel { color: #9aa3ad; }
QLabel#sectionTitle { color: #9aa3ad; font-weight: bold; }
QProgressBar { border: 1px solid #3a3f46; border-radius: 3px; background: #1b1d20; }
QProgressBar::chunk { background: #3d82cc; }
QTableView { gridline-color: #2c3035; selection-background-color: #2f5f94; }
QHeaderView::section { background: #2c3035; color: #b7bec7; border: none;
                       border-right: 1px solid #1f2226; padding: 3px 6px; }
QToolButton:checked { background: #2f5f94; }
QSplitter::handle { background: #1f2226; }
)"));
}

} // namespace footfall::ui
