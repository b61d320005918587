"""One module per view, named after the view it registers (``--view boundary`` is ``boundary.py``;
``network/`` is a package split by job). Each module registers its view with
:func:`nnviz.render.base.register_view`; :func:`nnviz.render.base.load_views` imports them all and
refuses a module that defines a View it did not register.
"""
