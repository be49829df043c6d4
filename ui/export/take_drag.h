// What a take carries when it is dragged into a DAW or a file manager: the URL of a finished,
// tagged file in a permanent folder (text/uri-list) and its plain path (text/plain).
#pragma once

#include "takes/take_record.h"

#include "audio/audio_buffer.h"

#include <QString>
#include <QStringList>

#include <cstddef>

class QMimeData;

namespace footfall::ui {

QMimeData* makeTakeMimeData(const QStringList& paths);

// Writes frames [first, first + count) of `audio` as a tagged WAV (bext + iXML + sidecar)
// into `folder` with a name derived from the take and the range, and returns its path.
// The same selection maps to the same file, so repeated drags do not pile up copies.
// Throws std::runtime_error with a readable message when it cannot write.
QString writeSelectionFile(const TakeRecord& take, const AudioBuffer& audio, std::size_t first,
                           std::size_t count, const QString& folder);

} // namespace footfall::ui
