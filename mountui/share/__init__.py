"""Share links: a self-hosted share server (`mountui share-server`) and the app's tunnel to it.

Nothing here is imported by `import mountui`; `launch(share=...)` and the command line import it when used.
It needs the share extra (`pip install 'mountui[share]'`, for the `websockets` library).
"""
