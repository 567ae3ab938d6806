"""One frame, to check a style without rendering the video. In a notebook the last line of a
cell, `gpucast.frame(project, 2.0).to_pil()`, shows it inline.

    python3 examples/python/preview_frame.py assets/demo/project.json 2.0 frame.png
"""

import sys

import gpucast

project = gpucast.Project.load(sys.argv[1])
frame = gpucast.frame(project, float(sys.argv[2]))  # a (height, width, 3) uint8 NumPy array
print(f"{frame.shape[1]}x{frame.shape[0]}, mean level {frame.mean():.1f}")
frame.to_pil().save(sys.argv[3])  # needs Pillow
