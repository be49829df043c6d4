// Settings written off the GUI thread. A DeferredSettings records what a save function sets
// (the QSettings calls it uses: groups, values, removals, arrays) and, when it goes out of
// scope, hands the changes to one background thread that applies them in order with its own
// QSettings: the GUI thread never waits for the settings file (its sync took up to 18 ms on
// Generate). Code that reads settings written in this process calls flushSettingsWrites() first.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

class QThread;

namespace footfall::ui {

class DeferredSettings {
public:
    DeferredSettings() = default;
    ~DeferredSettings(); // submits the recorded changes
    DeferredSettings(const DeferredSettings&) = delete;
    DeferredSettings& operator=(const DeferredSettings&) = delete;

    void beginGroup(const QString& prefix);
    void endGroup();
    void setValue(const QString& key, const QVariant& value);
    void remove(const QString& key);
    // QSettings' array layout: name/size, then name/1/key, name/2/key, ...
    void beginWriteArray(const QString& name, int size);
    void setArrayIndex(int index);
    void endArray();

    struct Change {
        QString key;
        QVariant value; // invalid: remove the key
    };

private:
    QString fullKey(const QString& key) const;
    QStringList m_groups;
    QString m_array;
    int m_index = -1;
    QList<Change> m_changes;
};

// Returns once every change submitted so far is in the settings file.
void flushSettingsWrites();
// The thread that applied the last change (for the tests; nullptr before any).
QThread* lastSettingsWriteThread();

} // namespace footfall::ui
